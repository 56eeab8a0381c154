import * as k8s from '@kubernetes/client-node';
import type { Logger } from '../telemetry/logger.ts';
import { describeError, type ApiRetry } from './apiRetry.ts';

// One informer over the Pods KECS manages, in every Namespace, kept alive: the client's
// informer re-lists by itself after 410 Gone and re-watches when the server closes a
// watch, but stops on any other error, so it is restarted here with backoff. A periodic
// resync hands every cached Pod to the handler again (level-triggered: a missed event or
// a failed delete heals itself).

const INFORMER_MAX_BACKOFF_MS = 30_000;

export const podKey = (namespace: string, name: string) => `${namespace}/${name}`;
export const keyOfPod = (pod: k8s.V1Pod) => podKey(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');

export interface PodInformerOptions {
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  labelSelector: string;
  log: Logger;
  /** For the restart backoff and the failure counter. */
  retry: ApiRetry;
  resyncIntervalMs: number;
  /** A Pod added or changed, or seen again at a resync. */
  onPod(pod: k8s.V1Pod): void;
  /** A Pod deleted (or gone by the next list). */
  onPodGone(pod: k8s.V1Pod): void;
}

export interface PodInformer {
  /** Stops the watch, the restarts and the resync; calling it again is harmless. */
  stop(): Promise<void>;
}

/**
 * A Watch whose failures always reach `done`. The client's informer calls watch() from its
 * own done handler without catching, so a rejection there (e.g. an auth plugin failing
 * while it prepares the request) would be an unhandled rejection instead of an informer
 * error we can restart from.
 */
class ContainedWatch extends k8s.Watch {
  override async watch(...args: Parameters<k8s.Watch['watch']>): Promise<AbortController> {
    try {
      return await super.watch(...args);
    } catch (err) {
      args[3](err);
      return new AbortController();
    }
  }
}

export function startPodInformer(options: PodInformerOptions): PodInformer {
  const { core, labelSelector, log, retry } = options;
  let stopped = false;
  // What k8s.makeInformer builds, with ContainedWatch.
  const informer = new k8s.ListWatch<k8s.V1Pod>(
    '/api/v1/pods',
    new ContainedWatch(options.kc),
    () => core.listPodForAllNamespaces({ labelSelector }),
    false,
    labelSelector,
  );
  // The handlers run inside the watch stream's callbacks, where a throw would be uncaught.
  const contained = (handle: (pod: k8s.V1Pod) => void) => (pod: k8s.V1Pod) => {
    try {
      handle(pod);
    } catch (err) {
      log.error({ err, pod: keyOfPod(pod) }, 'handling a Pod event failed');
    }
  };
  const onPod = contained(options.onPod);
  informer.on('add', onPod);
  informer.on('update', onPod);
  informer.on('delete', contained(options.onPodGone));
  let failures = 0;
  let restart: NodeJS.Timeout | undefined;

  function failed(err: unknown) {
    if (stopped || restart) return;
    failures += 1;
    retry.countFailure('watch pods', err);
    const delay = Math.min(INFORMER_MAX_BACKOFF_MS, retry.backoff(failures, INFORMER_MAX_BACKOFF_MS));
    log.warn({ err: describeError(err), attempt: failures, delayMs: Math.round(delay) }, 'Pod informer failed; restarting');
    restart = setTimeout(() => {
      restart = undefined;
      start();
    }, delay);
    restart.unref();
  }

  function start() {
    if (stopped) return;
    const failuresBefore = failures;
    informer.start().then(
      () => {
        // start() resolves once listed and watching; no error on the way means healthy.
        if (failures === failuresBefore) failures = 0;
      },
      failed,
    );
  }
  informer.on('error', failed);
  start();

  const resync = setInterval(() => {
    for (const pod of informer.list()) onPod(pod);
  }, options.resyncIntervalMs);
  resync.unref();

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(resync);
      clearTimeout(restart);
      await informer.stop();
    },
  };
}
