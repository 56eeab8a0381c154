import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { systemClock, type Clock } from './actors/clock.ts';
import { ActorHost } from './actors/registry.ts';
import { createActorSystem, rehydrate, type ActorSystem } from './actors/system.ts';
import { createHttpServer } from './http/server.ts';
import { createSimulatedRuntime, DEFAULT_PHASES, uniformPhases, type PhaseDurations } from './kubernetes/simulatedRuntime.ts';
import type { Runtime } from './kubernetes/runtime.ts';
import { openDatabase } from './persistence/database.ts';
import { loadSnapshots } from './persistence/rehydrate.ts';
import { SnapshotWriter } from './persistence/snapshotWriter.ts';
import { createLogger, type Logger } from './telemetry/logger.ts';
import { countSnapshotCommits, createMetrics, type Metrics } from './telemetry/metrics.ts';

export interface KecsConfig {
  host: string;
  port: number;
  /** A directory for kecs.duckdb, or `:memory:`. */
  data: string;
  runtime: 'simulated' | 'kubernetes';
  kubeconfig?: string;
  region: string;
  accountId: string;
  bodyLimit: number;
  /** How long STOPPED tasks stay describable. */
  stoppedTaskRetentionMs: number;
  /** Simulated runtime: milliseconds per lifecycle phase. */
  simulatedPhases: PhaseDurations;
}

const OPTIONS = {
  host: { env: 'KECS_HOST', default: '127.0.0.1', help: 'address to listen on' },
  port: { env: 'KECS_PORT', default: '5373', help: 'port to listen on (0 picks a free one)' },
  data: { env: 'KECS_DATA', default: '.kecs', help: 'data directory for kecs.duckdb, or :memory:' },
  runtime: { env: 'KECS_RUNTIME', default: 'simulated', help: 'simulated | kubernetes' },
  kubeconfig: { env: 'KUBECONFIG', default: '', help: 'kubeconfig for --runtime kubernetes' },
  region: { env: 'KECS_REGION', default: 'us-east-1', help: 'region in ARNs' },
  'account-id': { env: 'KECS_ACCOUNT_ID', default: '000000000000', help: 'account id in ARNs' },
  'stopped-task-retention': { env: 'KECS_STOPPED_TASK_RETENTION', default: '3600', help: 'seconds STOPPED tasks stay describable' },
  'sim-phase-ms': { env: 'KECS_SIM_PHASE_MS', default: '', help: 'simulated runtime: milliseconds per lifecycle phase (default: realistic mix)' },
} as const;

export function usage(): string {
  const lines = Object.entries(OPTIONS).map(
    ([name, o]) => `  --${name.padEnd(12)} ${o.help} (env ${o.env}, default ${o.default || 'none'})`,
  );
  return ['Usage: npm start -- [options]', '', 'Options:', ...lines, '  --help         print this help'].join('\n');
}

/** Flags win over the environment, which wins over the defaults. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): KecsConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(Object.keys(OPTIONS).map((k) => [k, { type: 'string' as const }])),
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const pick = (name: keyof typeof OPTIONS): string =>
    ((values as Record<string, unknown>)[name] as string | undefined) ?? env[OPTIONS[name].env] ?? OPTIONS[name].default;
  const port = Number(pick('port'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${pick('port')}`);
  const runtime = pick('runtime');
  if (runtime !== 'simulated' && runtime !== 'kubernetes') throw new Error(`invalid runtime: ${runtime}`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(pick('region'))) throw new Error(`invalid region: ${pick('region')}`);
  if (!/^\d{12}$/.test(pick('account-id'))) throw new Error(`invalid account id: ${pick('account-id')}`);
  const retention = Number(pick('stopped-task-retention'));
  if (!Number.isFinite(retention) || retention < 0) throw new Error(`invalid stopped-task-retention: ${pick('stopped-task-retention')}`);
  let simulatedPhases = DEFAULT_PHASES;
  if (pick('sim-phase-ms') !== '') {
    const ms = Number(pick('sim-phase-ms'));
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`invalid sim-phase-ms: ${pick('sim-phase-ms')}`);
    simulatedPhases = uniformPhases(ms);
  }
  return {
    host: pick('host'),
    port,
    data: pick('data'),
    runtime,
    kubeconfig: pick('kubeconfig') || undefined,
    region: pick('region'),
    accountId: pick('account-id'),
    bodyLimit: 1024 * 1024,
    stoppedTaskRetentionMs: retention * 1000,
    simulatedPhases,
  };
}

export interface Kecs {
  port: number;
  system: ActorSystem;
  close(): Promise<void>;
}

async function createRuntime(config: KecsConfig, clock: Clock, logger: Logger, metrics: Metrics): Promise<Runtime> {
  if (config.runtime === 'simulated') return createSimulatedRuntime(clock, config.simulatedPhases);
  const { createKubernetesRuntime } = await import('./kubernetes/kubernetesRuntime.ts');
  return createKubernetesRuntime({
    kubeconfig: config.kubeconfig,
    region: config.region,
    logger,
    registry: metrics.registry,
    now: () => clock.now(),
  });
}

/** The composition root: persistence → runtime → actors → http. */
export async function startKecs(config: KecsConfig, options: { clock?: Clock; logger?: Logger } = {}): Promise<Kecs> {
  const logger = options.logger ?? createLogger();
  const metrics = createMetrics();
  const db = await openDatabase(config.data);
  const writer = new SnapshotWriter(db.connection, (err) => logger.error({ err }, 'snapshot commit failed'));
  countSnapshotCommits(metrics, () => writer.stats);
  const clock = options.clock ?? systemClock;
  const runtime = await createRuntime(config, clock, logger, metrics);
  const system = createActorSystem(
    { partition: { region: config.region, accountId: config.accountId }, clock, host: new ActorHost(writer), runtime, logger },
    { stoppedRetentionMs: config.stoppedTaskRetentionMs },
  );
  const restored = await rehydrate(system, await loadSnapshots(db.connection));
  const http = createHttpServer({ system, logger, metrics, bodyLimit: config.bodyLimit });
  const port = await http.listen(config.host, config.port);
  logger.info({ host: config.host, port, data: db.path, runtime: runtime.name, restored }, 'listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    system,
    close() {
      closing ??= (async () => {
        await http.close();
        system.tasks.close();
        // The runtime stops observing before the last flush, so no change arrives after it.
        await runtime.close();
        await writer.flush();
        db.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}

async function cli(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage()}`);
    process.exit(2);
  }
  if (config === 'help') {
    console.log(usage());
    return;
  }
  const kecs = await startKecs(config);
  const stop = () => {
    kecs.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  cli().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
