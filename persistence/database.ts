import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { migrate } from './migrations.ts';

export interface Database {
  connection: DuckDBConnection;
  path: string;
  close(): void;
}

/** `dataDir` is a directory that holds `kecs.duckdb`, or `:memory:`. */
export async function openDatabase(dataDir: string): Promise<Database> {
  let path = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    path = join(dataDir, 'kecs.duckdb');
  }
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await migrate(connection);
  return {
    connection,
    path,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
