import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { convertTask, type ConversionInput, type ConversionResult } from '../kubernetes/converter.ts';
import { createConverterPool } from '../kubernetes/converterPool.ts';

// Task definition → Pod conversion inline (on the event loop) vs. through the Piscina pool,
// for a small and a large task definition, with 1 and 64 conversions in flight. Each
// "client" waits a macrotask between conversions, as requests arriving from the network
// would, so the event-loop delay column shows what the conversions cost everybody else
// the server is serving meanwhile.
//
//   npx tsx bench/converter.ts          (BENCH_SECONDS=2 per row by default)

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const THREADS = availableParallelism();

function input(taskDefinition: Record<string, unknown>, overrides?: Record<string, unknown>): ConversionInput {
  const taskId = '0123456789abcdef0123456789abcdef';
  return {
    spec: { taskArn: `arn:aws:ecs:us-east-1:000000000000:task/bench/${taskId}`, taskId, clusterName: 'bench', taskDefinition, overrides },
    namespace: 'kecs-us-east-1-bench',
    podName: `task-${taskId}`,
    labels: { 'kecs.dev/managed': 'true', 'kecs.dev/task-id': taskId },
    annotations: { 'kecs.dev/task-arn': `arn:aws:ecs:us-east-1:000000000000:task/bench/${taskId}` },
  };
}

const SMALL = input({
  family: 'small',
  revision: 1,
  containerDefinitions: [{ name: 'app', image: 'nginx:1', essential: true, cpu: 0, memory: 256, portMappings: [{ containerPort: 80, protocol: 'tcp' }] }],
});

/** Ten containers with most of what a real service carries. */
const LARGE = input(
  {
    family: 'large',
    revision: 7,
    networkMode: 'awsvpc',
    cpu: '4096',
    memory: '8192',
    volumes: [{ name: 'Shared_Data' }, { name: 'logs', host: { sourcePath: '/var/log/app' } }, { name: 'efs', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }],
    containerDefinitions: Array.from({ length: 10 }, (_, i) => ({
      name: i === 0 ? 'Web_App' : `sidecar_${i}`,
      image: `registry.example.com/team/app-${i}:1.2.3`,
      essential: i < 2,
      cpu: 256,
      memory: 512,
      memoryReservation: 256,
      entryPoint: ['/bin/entry'],
      command: ['serve', '--port', String(8000 + i)],
      portMappings: [{ containerPort: 8000 + i, protocol: 'tcp', name: `port_${i}` }],
      environment: Array.from({ length: 20 }, (_, e) => ({ name: `VAR_${e}`, value: `value-${i}-${e}` })),
      secrets: Array.from({ length: 5 }, (_, s) => ({ name: `SECRET_${s}`, valueFrom: `arn:aws:ssm:us-east-1:000000000000:parameter/app/${i}/secret_${s}` })),
      healthCheck: { command: ['CMD-SHELL', `curl -f http://localhost:${8000 + i}/health || exit 1`], interval: 10 },
      mountPoints: [{ sourceVolume: 'Shared_Data', containerPath: '/data' }, { sourceVolume: 'logs', containerPath: '/logs' }],
      dependsOn: i === 0 ? [{ containerName: 'sidecar_1', condition: 'HEALTHY' }, { containerName: 'sidecar_2', condition: 'SUCCESS' }] : [],
      linuxParameters: { capabilities: { drop: ['ALL'] }, sharedMemorySize: 64, tmpfs: [{ containerPath: '/tmp', size: 32 }] },
      ulimits: [{ name: 'nofile', softLimit: 65536, hardLimit: 65536 }],
      dockerLabels: { 'com.example.team': 'platform', 'com.example.index': String(i) },
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/app' } },
      user: '1000:1000',
      stopTimeout: 60,
    })),
  },
  { containerOverrides: [{ name: 'Web_App', command: ['serve', '--debug'], environment: [{ name: 'VAR_0', value: 'override' }] }] },
);

type Convert = (input: ConversionInput) => Promise<ConversionResult>;

interface Row {
  mode: string;
  size: string;
  concurrency: number;
  opsPerSecond: number;
  p99Ms: number;
  loopDelayP99Ms: number;
  mainThreadUs: number;
}

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
}

async function measure(convert: Convert, subject: ConversionInput, concurrency: number, seconds: number) {
  const latencies: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const busyBefore = performance.eventLoopUtilization();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  loop.enable();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await nextMacrotask();
        const t0 = performance.now();
        await convert(subject);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  loop.disable();
  const elapsed = (performance.now() - started) / 1000;
  // Time the main thread was busy (not waiting in the event loop), per conversion: what
  // each conversion takes away from request handling, whether it converts or only hands
  // the work to a thread and takes the result back.
  const busyMs = performance.eventLoopUtilization(busyBefore).active;
  latencies.sort((a, b) => a - b);
  return {
    opsPerSecond: latencies.length / elapsed,
    p99Ms: percentile(latencies, 99),
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    mainThreadUs: (busyMs * 1000) / latencies.length,
  };
}

async function main() {
  const pool = createConverterPool({ minThreads: THREADS, maxThreads: THREADS });
  const modes: [string, Convert][] = [
    ['inline', async (i) => convertTask(i)],
    [`pool (${THREADS} threads)`, (i) => pool.convert(i)],
  ];
  const sizes: [string, ConversionInput][] = [
    ['small (1 container)', SMALL],
    ['large (10 containers)', LARGE],
  ];
  const rows: Row[] = [];
  try {
    for (const [mode, convert] of modes) {
      for (const [size, subject] of sizes) {
        await measure(convert, subject, 8, 0.3); // warm up: JIT, worker threads, tsx loader
        for (const concurrency of [1, 64]) {
          rows.push({ mode, size, concurrency, ...(await measure(convert, subject, concurrency, SECONDS)) });
        }
      }
    }
  } finally {
    await pool.close();
  }
  const bytes = (i: ConversionInput) => JSON.stringify(convertTask(i).pod).length;
  console.log(`Node ${process.version}, ${THREADS} cores, ${SECONDS} s per row; Pod JSON: small ${bytes(SMALL)} B, large ${bytes(LARGE)} B\n`);
  console.log('| mode | task definition | in flight | conversions/s | p99 latency (ms) | main-thread µs per conversion | event-loop delay p99 (ms) |');
  console.log('|---|---|--:|--:|--:|--:|--:|');
  for (const r of rows) {
    const rate = Math.round(r.opsPerSecond).toLocaleString('en-US');
    console.log(`| ${r.mode} | ${r.size} | ${r.concurrency} | ${rate} | ${r.p99Ms.toFixed(3)} | ${Math.round(r.mainThreadUs)} | ${r.loopDelayP99Ms.toFixed(2)} |`);
  }
  console.log(`\n${verdict(rows).join('\n')}`);
}

/**
 * The pool pays for itself when it leaves the main thread more time (fewer busy µs per
 * conversion) or converts faster; it only protects latency when it shortens the event-loop
 * stalls without doing either.
 */
function verdict(rows: Row[]): string[] {
  const lines: string[] = [];
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  for (const r of rows.filter((row) => row.mode === 'inline')) {
    const pooled = rows.find((p) => p.mode !== 'inline' && p.size === r.size && p.concurrency === r.concurrency)!;
    const pays = pooled.opsPerSecond > r.opsPerSecond || pooled.mainThreadUs < r.mainThreadUs;
    const protects = pooled.loopDelayP99Ms * 2 < r.loopDelayP99Ms;
    const word = pays ? 'pays off' : protects ? 'only shortens event-loop stalls' : 'does not pay off';
    lines.push(
      `- ${r.size}, ${r.concurrency} in flight: the pool ${word} — throughput ${ratio(pooled.opsPerSecond, r.opsPerSecond)}, ` +
        `main-thread time per conversion ${ratio(pooled.mainThreadUs, r.mainThreadUs)}, ` +
        `event-loop delay p99 ${r.loopDelayP99Ms.toFixed(1)} → ${pooled.loopDelayP99Ms.toFixed(1)} ms.`,
    );
  }
  return lines;
}

await main();
