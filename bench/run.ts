import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { startKecsProcess } from './kecsProcess.ts';

// Runs autocannon against KECS and against a bare-uWS floor in the same run, and prints
// requests/s, p50/p99 latency and each ratio to the floor. Both servers run as child
// processes; on 2 cores the load generator shares the machine with them, as the numbers do.

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TARGET = 'AmazonEC2ContainerServiceV20141113.';
const root = new URL('..', import.meta.url);

async function startFloor(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/floor.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: child.stdout! })) {
    const entry = JSON.parse(line);
    if (entry.msg === 'listening') return { child, port: entry.port };
  }
  throw new Error('the floor exited before listening');
}

interface Scenario {
  name: string;
  operation: string;
  body: () => string;
  amount?: number;
}

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(port: number, s: Scenario): Promise<Row> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections: CONNECTIONS,
    ...(s.amount ? { amount: s.amount } : { duration: DURATION }),
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET + s.operation },
        setupRequest: (req) => ({ ...req, body: s.body() }),
      },
    ],
  });
  return {
    name: s.name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

let clusterSeq = 0;
let familySeq = 0;
const container = { name: 'app', image: 'nginx:1', memory: 128 };
const scenarios: Scenario[] = [
  { name: 'DescribeClusters', operation: 'DescribeClusters', body: () => '{"clusters":["bench"]}' },
  { name: 'ListClusters', operation: 'ListClusters', body: () => '{}' },
  { name: 'CreateCluster (durable)', operation: 'CreateCluster', body: () => `{"clusterName":"c${clusterSeq++}"}`, amount: 8000 },
  {
    name: 'RegisterTaskDefinition (durable)',
    operation: 'RegisterTaskDefinition',
    body: () => JSON.stringify({ family: `f${familySeq++ % 16}`, containerDefinitions: [container] }),
  },
];

async function main() {
  const data = mkdtempSync(join(tmpdir(), 'kecs-bench-'));
  const floor = await startFloor();
  const kecs = await startKecsProcess(['--data', data]);
  try {
    for (let i = 0; i < 100; i++) await kecs.call('CreateCluster', { clusterName: `seed${i}` });
    await kecs.call('CreateCluster', { clusterName: 'bench' });
    await load(floor.port, { name: 'warm-up', operation: 'DescribeClusters', body: () => '{}', amount: 5000 });
    await load(kecs.port, { ...scenarios[0], amount: 5000 });

    const floorScenario = { name: 'bare uWS floor', operation: 'DescribeClusters', body: () => '{}' };
    const before = await load(floor.port, floorScenario);
    const measured = [];
    for (const s of scenarios) measured.push(await load(kecs.port, s));
    // The floor is measured before and after, and the better run counts: noise on a shared
    // 2-core machine must not flatter KECS.
    const after = await load(floor.port, floorScenario);
    const floorRow = before.rps >= after.rps ? before : after;
    const rows = [floorRow, ...measured];

    console.log(`\nautocannon: ${CONNECTIONS} connections, ${DURATION}s per scenario (CreateCluster: fixed 8000 requests)\n`);
    console.log('| scenario | req/s | p50 ms | p99 ms | errors | ratio to floor |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      const ratio = (r.rps / floorRow.rps).toFixed(2);
      console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.errors} | ${ratio} |`);
    }
    if (rows.some((r) => r.errors > 0)) process.exitCode = 1;
  } finally {
    floor.child.kill('SIGTERM');
    await kecs.stop();
    rmSync(data, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
