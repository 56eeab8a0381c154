import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { systemClock, type Clock } from './actors/clock.ts';
import { ActorHost } from './actors/registry.ts';
import { createActorSystem, rehydrate, type ActorSystem } from './actors/system.ts';
import { createHttpServer } from './http/server.ts';
import { createSimulatedRuntime } from './kubernetes/simulatedRuntime.ts';
import type { Runtime } from './kubernetes/runtime.ts';
import { openDatabase } from './persistence/database.ts';
import { loadSnapshots } from './persistence/rehydrate.ts';
import { SnapshotWriter } from './persistence/snapshotWriter.ts';
import { createLogger, type Logger } from './telemetry/logger.ts';
import { createMetrics } from './telemetry/metrics.ts';

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
}

const OPTIONS = {
  host: { env: 'KECS_HOST', default: '127.0.0.1', help: 'address to listen on' },
  port: { env: 'KECS_PORT', default: '5373', help: 'port to listen on (0 picks a free one)' },
  data: { env: 'KECS_DATA', default: '.kecs', help: 'data directory for kecs.duckdb, or :memory:' },
  runtime: { env: 'KECS_RUNTIME', default: 'simulated', help: 'simulated | kubernetes' },
  kubeconfig: { env: 'KUBECONFIG', default: '', help: 'kubeconfig for --runtime kubernetes' },
  region: { env: 'KECS_REGION', default: 'us-east-1', help: 'region in ARNs' },
  'account-id': { env: 'KECS_ACCOUNT_ID', default: '000000000000', help: 'account id in ARNs' },
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
  return {
    host: pick('host'),
    port,
    data: pick('data'),
    runtime,
    kubeconfig: pick('kubeconfig') || undefined,
    region: pick('region'),
    accountId: pick('account-id'),
    bodyLimit: 1024 * 1024,
  };
}

export interface Kecs {
  port: number;
  system: ActorSystem;
  close(): Promise<void>;
}

async function createRuntime(config: KecsConfig, logger: Logger): Promise<Runtime> {
  if (config.runtime === 'simulated') return createSimulatedRuntime();
  const { createKubernetesRuntime } = await import('./kubernetes/kubernetesRuntime.ts');
  return createKubernetesRuntime({ kubeconfig: config.kubeconfig, region: config.region, logger });
}

/** The composition root: persistence → runtime → actors → http. */
export async function startKecs(config: KecsConfig, options: { clock?: Clock; logger?: Logger } = {}): Promise<Kecs> {
  const logger = options.logger ?? createLogger();
  const metrics = createMetrics();
  const db = await openDatabase(config.data);
  const writer = new SnapshotWriter(db.connection, (err) => logger.error({ err }, 'snapshot commit failed'));
  const runtime = await createRuntime(config, logger);
  const system = createActorSystem({
    partition: { region: config.region, accountId: config.accountId },
    clock: options.clock ?? systemClock,
    host: new ActorHost(writer),
    runtime,
    logger,
  });
  const restored = rehydrate(system, await loadSnapshots(db.connection));
  await system.clusters.reconcile();
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
        await writer.flush();
        await runtime.close();
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
