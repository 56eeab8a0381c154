import * as k8s from '@kubernetes/client-node';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../telemetry/logger.ts';

// How the Kubernetes runtime treats a failed API call: which failures are worth another
// try, how long to wait before it, how to say what went wrong, and the counter that
// records every failure. NotFound and AlreadyExists are not failures to the runtime; it
// tells them apart with isStatus and treats them as states.

export interface RetryPolicy {
  /** Calls in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

const statusOf = (err: unknown) => (err as { code?: unknown })?.code;
export const isStatus = (err: unknown, code: number) => statusOf(err) === code;
/** Worth another try: throttling, server errors, and failures with no HTTP status (network). */
const isTransient = (err: unknown) => {
  const code = statusOf(err);
  return typeof code !== 'number' || code === 429 || code >= 500;
};

/** The API server's own message when there is one, since that is what a reader needs. */
export function describeError(err: unknown): string {
  if (err instanceof k8s.ApiException) {
    const body: unknown = typeof err.body === 'string' ? safeParse(err.body) : err.body;
    const message = (body as { message?: string } | undefined)?.message;
    const raw = typeof err.body === 'string' ? err.body : JSON.stringify(err.body);
    return `HTTP ${err.code}: ${message ?? raw?.slice(0, 300)}`;
  }
  return err instanceof Error ? err.message : String(err);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An Error for the caller (client errors are not always Errors), naming what failed. */
export const surfaced = (what: string, err: unknown) => new Error(`${what}: ${describeError(err)}`, { cause: err });

export interface ApiRetryOptions {
  policy?: Partial<RetryPolicy>;
  log: Logger;
  /** Where to register the API error counter; unregistered when omitted. */
  registry?: Registry;
}

export interface ApiRetry {
  /** `call`, retried with exponential backoff while it fails transiently. */
  retrying<T>(operation: string, call: () => Promise<T>): Promise<T>;
  /** A pause between retries; not unref'd, since a caller awaits what follows it. close() ends it. */
  sleep(ms: number): Promise<void>;
  /** The pause before try `attempt + 1`: doubling from the policy's base up to `maxMs`, jittered. */
  backoff(attempt: number, maxMs: number): number;
  /** Counts a failure by operation and HTTP status. */
  countFailure(operation: string, err: unknown): void;
  /** Ends every pause now; a call failing after this is not retried. */
  close(): void;
}

export function createApiRetry(options: ApiRetryOptions): ApiRetry {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.policy };
  const { log } = options;
  const apiErrors = new Counter({
    name: 'kecs_kubernetes_api_errors_total',
    help: 'Failed Kubernetes API calls and informer failures, by operation and HTTP status (none: network)',
    labelNames: ['operation', 'code'],
    registers: options.registry ? [options.registry] : [],
  });
  let closed = false;
  const sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = { timer: setTimeout(() => (sleeps.delete(entry), resolve()), ms), resolve };
      sleeps.add(entry);
    });
  }

  const backoff = (attempt: number, maxMs: number) => {
    const ms = Math.min(maxMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return ms / 2 + Math.random() * (ms / 2); // jitter, so many tasks do not retry in step
  };

  function countFailure(operation: string, err: unknown) {
    const code = statusOf(err);
    apiErrors.inc({ operation, code: typeof code === 'number' ? String(code) : 'none' });
  }

  async function retrying<T>(operation: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (err) {
        countFailure(operation, err);
        if (closed || !isTransient(err) || attempt >= policy.attempts) throw err;
        const delay = backoff(attempt, policy.maxDelayMs);
        log.debug({ operation, attempt, delayMs: Math.round(delay), err: describeError(err) }, 'retrying Kubernetes API call');
        await sleep(delay);
      }
    }
  }

  function close() {
    closed = true;
    for (const s of sleeps) {
      clearTimeout(s.timer);
      s.resolve();
    }
    sleeps.clear();
  }

  return { retrying, sleep, backoff, countFailure, close };
}
