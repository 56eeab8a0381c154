import { NodeSDK } from '@opentelemetry/sdk-node';

// Preloaded with `--import ./telemetry/instrument.ts` (see `npm run start:traced`): the SDK
// takes its exporter from the standard OTEL_* environment, e.g. OTEL_TRACES_EXPORTER=console
// or otlp with OTEL_EXPORTER_OTLP_ENDPOINT.
const sdk = new NodeSDK({ serviceName: process.env.OTEL_SERVICE_NAME ?? 'kecs' });
sdk.start();

const shutdown = () => {
  sdk.shutdown().catch(() => {});
};
process.once('SIGTERM', shutdown);
process.once('beforeExit', shutdown);
