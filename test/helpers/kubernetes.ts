/**
 * Helpers for tests that talk to a real Kubernetes API server: the local testbed
 * from scripts/k8s-up.sh, or any cluster a developer points KECS_TEST_KUBECONFIG at.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import test from 'ava';

/** Where the kubeconfig for integration tests came from. */
export interface TestKubeconfig {
  path: string;
  /** The variable that named it, for messages. */
  from: 'KECS_TEST_KUBECONFIG' | 'KUBECONFIG';
}

/**
 * The kubeconfig the integration tests should use, or undefined when none is configured.
 * KECS_TEST_KUBECONFIG wins; KUBECONFIG is the fallback. Only the first entry of a
 * path list is used: the testbed writes a single self-contained file.
 */
export function testKubeconfig(env: NodeJS.ProcessEnv = process.env): TestKubeconfig | undefined {
  for (const from of ['KECS_TEST_KUBECONFIG', 'KUBECONFIG'] as const) {
    const path = env[from]?.split(':').find((p) => p !== '');
    if (path) return { path, from };
  }
  return undefined;
}

/**
 * How a test file should treat a missing kubeconfig: skip locally (integration tests are
 * opt-in on a laptop), but in CI a missing kubeconfig means .ci/run forgot to start the
 * testbed, which must not pass silently as "skipped".
 */
export function missingKubeconfigIsFatal(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * Registers a file's Kubernetes tests when a kubeconfig is configured. Without one they are
 * skipped locally, and under CI a single failing test says the testbed was not started.
 */
export function kubernetesTests(title: string, register: (source: TestKubeconfig) => void): void {
  const source = testKubeconfig();
  if (source) register(source);
  else if (missingKubeconfigIsFatal()) {
    test(`${title}: KECS_TEST_KUBECONFIG must be set in CI`, (t) => {
      t.fail('CI is set but neither KECS_TEST_KUBECONFIG nor KUBECONFIG is: .ci/run must start the testbed (scripts/ci-k8s.sh) first');
    });
  } else {
    test.skip(`${title}: skipped, no KECS_TEST_KUBECONFIG (see "Kubernetes testbed" in README.md)`, () => {});
  }
}

export function loadKubeConfig(source: TestKubeconfig): k8s.KubeConfig {
  if (!existsSync(source.path)) {
    throw new Error(`${source.from}=${source.path}: file does not exist (did scripts/k8s-up.sh run?)`);
  }
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(source.path);
  if (!kc.getCurrentCluster()) {
    throw new Error(`${source.from}=${source.path}: kubeconfig has no current cluster`);
  }
  return kc;
}

/** Rejects when `promise` has not settled within `ms`, naming `what` in the error. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Proves the API server answers and accepts our credentials, and returns its version.
 * Fails with a message naming the server, so a dead testbed is obvious in the test output.
 */
export async function assertClusterReachable(kc: k8s.KubeConfig, timeoutMs = 15_000): Promise<string> {
  const server = kc.getCurrentCluster()?.server ?? '(no server)';
  try {
    const version = await withTimeout(kc.makeApiClient(k8s.VersionApi).getCode(), timeoutMs, `GET ${server}/version`);
    // /version is public; reading a namespace also proves authentication and RBAC work.
    await withTimeout(
      kc.makeApiClient(k8s.CoreV1Api).readNamespace({ name: 'default' }),
      timeoutMs,
      `GET ${server}/api/v1/namespaces/default`,
    );
    return version.gitVersion;
  } catch (err) {
    throw new Error(`Kubernetes API server ${server} is not usable: ${describeError(err)}`, { cause: err });
  }
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns something other than undefined/false and returns that.
 * Errors thrown by the probe count as "not yet" (the last one is reported on timeout),
 * since an object that does not exist yet is the usual reason to wait.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 60_000, intervalMs = 250 }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError === undefined ? '' : ` (last error: ${describeError(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * Watches `path` (e.g. `/api/v1/namespaces/ns/pods`) until `match` returns something
 * other than undefined/false for an event, and returns that. Pass the resourceVersion of
 * a create/list response in `query` so no event between it and the watch is missed.
 * A watch that the server closes before a match rejects rather than silently re-listing:
 * in a test that is a failure worth seeing.
 */
export function watchUntil<T, O = any>(
  kc: k8s.KubeConfig,
  what: string,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  match: (type: WatchEventType, obj: O) => T | undefined | false,
  { timeoutMs = 60_000 }: { timeoutMs?: number } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let controller: AbortController | undefined;
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      controller?.abort();
      finish();
    };
    const timer = setTimeout(
      () => settle(() => reject(new Error(`timed out after ${timeoutMs} ms watching for ${what}`))),
      timeoutMs,
    );
    new k8s.Watch(kc)
      .watch(
        path,
        query,
        (type, obj) => {
          if (type === 'ERROR') {
            settle(() => reject(new Error(`watch for ${what} got an error event: ${JSON.stringify(obj)}`)));
            return;
          }
          try {
            const result = match(type as WatchEventType, obj as O);
            if (result !== undefined && result !== false) settle(() => resolve(result));
          } catch (err) {
            settle(() => reject(err));
          }
        },
        (err) =>
          settle(() =>
            reject(new Error(`watch for ${what} ended before a match: ${err ? describeError(err) : 'closed by server'}`)),
          ),
      )
      .then(
        (c) => {
          controller = c;
          if (settled) c.abort();
        },
        (err) => settle(() => reject(err)),
      );
  });
}

/** True for the client's error for an HTTP 404 (the object does not exist). */
export function isNotFound(err: unknown): boolean {
  return err instanceof k8s.ApiException && err.code === 404;
}

/** A DNS-1123 label that will not collide with another test run: `prefix-<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`.toLowerCase().slice(0, 63);
}

export function describeError(err: unknown): string {
  if (err instanceof k8s.ApiException) {
    const body = typeof err.body === 'string' ? err.body : JSON.stringify(err.body);
    return `HTTP ${err.code}: ${body?.slice(0, 500)}`;
  }
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

/** Nodes the kwok controller plays the kubelet for (k8s-up.sh annotates its Node so). */
export async function fakeNodeNames(kc: k8s.KubeConfig): Promise<string[]> {
  const nodes = await kc.makeApiClient(k8s.CoreV1Api).listNode();
  return nodes.items
    .filter((n) => n.metadata?.annotations?.['kwok.x-k8s.io/node'] === 'fake')
    .map((n) => n.metadata!.name!);
}
