import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKecsProcess, type KecsProcess } from './kecsProcess.ts';

// RunTask → RUNNING latency, as a client sees it: RunTask, then DescribeTasks every 5 ms
// until the task is RUNNING. The simulated runtime runs with zero-length phases, so what
// is left is the control plane's own overhead; the Kubernetes runtime runs against the
// cluster in KECS_BENCH_KUBECONFIG (e.g. the testbed from scripts/k8s-up.sh), if set.

const TASKS = Number(process.env.BENCH_TASKS ?? 40);
const CONCURRENCY = 4;

async function runningLatency(kecs: KecsProcess): Promise<number> {
  const started = performance.now();
  const run = await kecs.call('RunTask', { taskDefinition: 'bench' });
  const arn = (run.tasks as { taskArn: string }[])[0].taskArn;
  for (;;) {
    const described = await kecs.call('DescribeTasks', { tasks: [arn] });
    const status = (described.tasks as { lastStatus: string }[])[0].lastStatus;
    if (status === 'RUNNING') break;
    if (status === 'STOPPED') throw new Error(`task stopped: ${JSON.stringify(described.tasks)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const elapsed = performance.now() - started;
  await kecs.call('StopTask', { task: arn });
  return elapsed;
}

async function measure(name: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const data = mkdtempSync(join(tmpdir(), 'kecs-bench-'));
  const kecs = await startKecsProcess(['--data', data, ...args], env);
  try {
    await kecs.call('CreateCluster', {});
    await kecs.call('RegisterTaskDefinition', {
      family: 'bench',
      containerDefinitions: [{ name: 'app', image: 'registry.local/pause:1', memory: 64 }],
    });
    const latencies: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < TASKS) latencies.push(await runningLatency(kecs));
      }),
    );
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
    console.log(`| ${name} | ${latencies.length} | ${at(0.5)} | ${at(0.99)} |`);
  } finally {
    await kecs.stop();
    rmSync(data, { recursive: true, force: true });
  }
}

async function main() {
  console.log(`\nRunTask → RUNNING as DescribeTasks sees it (${CONCURRENCY} at a time)\n`);
  console.log('| runtime | tasks | p50 ms | p99 ms |');
  console.log('|---|---:|---:|---:|');
  await measure('simulated, zero-length phases', ['--runtime', 'simulated', '--sim-phase-ms', '0']);
  await measure('simulated, default phases', ['--runtime', 'simulated']);
  const kubeconfig = process.env.KECS_BENCH_KUBECONFIG;
  if (kubeconfig) await measure('kubernetes (testbed, kwok)', ['--runtime', 'kubernetes', '--kubeconfig', kubeconfig]);
  else console.log('| kubernetes | – | set KECS_BENCH_KUBECONFIG to measure | |');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
