import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  requestDuration: Histogram<'method' | 'endpoint' | 'status'>;
}

/** A dedicated registry per server, so tests can run several servers in one process. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requestDuration: new Histogram({
      name: 'kecs_api_request_duration_seconds',
      help: 'Time to answer an API request, by HTTP method, endpoint (ECS operation or path) and HTTP status',
      labelNames: ['method', 'endpoint', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

/** Exposes the snapshot writer's totals, read when metrics are scraped. */
export function countSnapshotCommits(metrics: Metrics, read: () => { commits: number; rows: number }): void {
  const counter = (name: string, help: string, pick: (s: { commits: number; rows: number }) => number) =>
    new Counter({
      name,
      help,
      registers: [metrics.registry],
      collect() {
        this.reset();
        this.inc(pick(read()));
      },
    });
  counter('kecs_snapshot_commits_total', 'DuckDB transactions committed by the snapshot writer', (s) => s.commits);
  counter('kecs_snapshot_rows_total', 'Snapshot rows written (after coalescing per resource)', (s) => s.rows);
}
