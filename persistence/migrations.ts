import type { DuckDBConnection } from '@duckdb/node-api';

// Append-only: a released migration never changes; a new schema is a new entry.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE snapshots (
     arn TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     snapshot JSON NOT NULL,
     updated_at TIMESTAMP NOT NULL
   )`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export async function migrate(connection: DuckDBConnection): Promise<void> {
  await connection.run(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)',
  );
  const reader = await connection.runAndReadAll('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
  const current = Number(reader.getRowObjectsJS()[0].v);
  if (current > MIGRATIONS.length) {
    throw new Error(`data directory has schema version ${current}, newer than this build (${MIGRATIONS.length})`);
  }
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    await connection.run('BEGIN TRANSACTION');
    try {
      await connection.run(MIGRATIONS[version - 1]);
      await connection.run('INSERT INTO schema_migrations VALUES ($1, now())', [version]);
      await connection.run('COMMIT');
    } catch (err) {
      await connection.run('ROLLBACK');
      throw err;
    }
  }
}
