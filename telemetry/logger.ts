import { trace } from '@opentelemetry/api';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** One JSON line per event; the active span's ids ride along so logs join traces. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({
    level: process.env.KECS_LOG_LEVEL ?? 'info',
    base: { service: 'kecs' },
    mixin() {
      const span = trace.getActiveSpan()?.spanContext();
      return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
    },
    ...options,
  });
}
