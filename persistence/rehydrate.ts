import type { DuckDBConnection } from '@duckdb/node-api';

export interface StoredSnapshot {
  arn: string;
  kind: string;
  snapshot: unknown;
}

/** Every stored snapshot, grouped by kind so owners can be restored before what they own. */
export async function loadSnapshots(connection: DuckDBConnection): Promise<Map<string, StoredSnapshot[]>> {
  const reader = await connection.runAndReadAll('SELECT arn, kind, snapshot::TEXT AS snapshot FROM snapshots ORDER BY arn');
  const byKind = new Map<string, StoredSnapshot[]>();
  for (const row of reader.getRowObjectsJS()) {
    const kind = String(row.kind);
    const list = byKind.get(kind) ?? [];
    list.push({ arn: String(row.arn), kind, snapshot: JSON.parse(String(row.snapshot)) });
    byKind.set(kind, list);
  }
  return byKind;
}
