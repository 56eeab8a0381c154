import type { DuckDBConnection } from '@duckdb/node-api';

interface PendingRow {
  kind: string;
  /** JSON text of the snapshot, or null to delete the row. */
  json: string | null;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export interface SnapshotWriterStats {
  commits: number;
  rows: number;
}

/**
 * Coalesces snapshot writes per ARN and commits them in groups: while one transaction is
 * being committed, every write that arrives waits for the next one, and only the newest
 * snapshot of each resource is written. A write's promise settles after the commit that
 * holds it, so a caller that awaits it may acknowledge the client.
 */
export class SnapshotWriter {
  private pending = new Map<string, PendingRow>();
  private waiters: Waiter[] = [];
  private running: Promise<void> | null = null;
  readonly stats: SnapshotWriterStats = { commits: 0, rows: 0 };

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  write(arn: string, kind: string, snapshot: unknown): Promise<void> {
    return this.enqueue(arn, { kind, json: JSON.stringify(snapshot) });
  }

  remove(arn: string): Promise<void> {
    return this.enqueue(arn, { kind: '', json: null });
  }

  /** Settles once everything enqueued so far is committed. */
  async flush(): Promise<void> {
    while (this.running) await this.running.catch(() => {});
  }

  private enqueue(arn: string, row: PendingRow): Promise<void> {
    this.pending.delete(arn); // re-insert so the newest write of an ARN keeps insertion order
    this.pending.set(arn, row);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    // Draining starts on the next microtask, so writes enqueued in the same tick (a family's
    // snapshot and the revision it registered) always share one transaction.
    if (!this.running) this.running = Promise.resolve().then(() => this.drain());
    return done;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const batch = this.pending;
        const waiters = this.waiters;
        this.pending = new Map();
        this.waiters = [];
        try {
          await this.commit(batch);
          this.stats.commits++;
          this.stats.rows += batch.size;
          for (const w of waiters) w.resolve();
        } catch (err) {
          this.onError(err);
          // Keep what failed unless a newer write superseded it, so the next commit retries it.
          for (const [arn, row] of batch) if (!this.pending.has(arn)) this.pending.set(arn, row);
          for (const w of waiters) w.reject(err);
          if (this.waiters.length === 0) break;
        }
      }
    } finally {
      this.running = null;
    }
  }

  private async commit(batch: Map<string, PendingRow>): Promise<void> {
    const upserts: (string | number)[] = [];
    const deletes: string[] = [];
    for (const [arn, row] of batch) {
      if (row.json === null) deletes.push(arn);
      else upserts.push(arn, row.kind, row.json);
    }
    await this.connection.run('BEGIN TRANSACTION');
    try {
      if (deletes.length > 0) {
        const marks = deletes.map((_, i) => `$${i + 1}`).join(', ');
        await this.connection.run(`DELETE FROM snapshots WHERE arn IN (${marks})`, deletes);
      }
      if (upserts.length > 0) {
        const rows = [];
        for (let i = 0; i < upserts.length; i += 3) rows.push(`($${i + 1}, $${i + 2}, $${i + 3}, now())`);
        await this.connection.run(
          `INSERT OR REPLACE INTO snapshots (arn, kind, snapshot, updated_at) VALUES ${rows.join(', ')}`,
          upserts,
        );
      }
      await this.connection.run('COMMIT');
    } catch (err) {
      await this.connection.run('ROLLBACK').catch(() => {});
      throw err;
    }
  }
}
