import * as k8s from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import { statusRank, type TaskObservation } from '../machines/taskObservation.ts';
import type { Logger } from '../telemetry/logger.ts';
import { createApiRetry, describeError, isStatus, surfaced, type RetryPolicy } from './apiRetry.ts';
import type { ConversionInput, ConversionResult } from './converter.ts';
import { createConverterPool } from './converterPool.ts';
import { ANNOTATION, LABEL, MANAGED_LABEL, annotationsFor, labelValue, labelsFor, namespaceFor, podNameFor } from './naming.ts';
import { keyOfPod, podKey, startPodInformer } from './podInformer.ts';
import { keepStopDetails, observePod, sameObservation, stoppedAfter } from './podStatus.ts';
import type { ObservationListener, Runtime, TaskSpec } from './runtime.ts';

// Tasks as Pods on a real cluster. Writes are idempotent (names derive from ids) and
// retried with backoff (apiRetry.ts); what happens to a Pod comes back through one
// informer (podInformer.ts) and one pure mapping (podStatus.ts). The runtime is
// level-triggered: a periodic resync re-derives every cached Pod, so a missed event or a
// failed delete heals itself.

export interface PodConverter {
  convert(input: ConversionInput): Promise<ConversionResult>;
  close(): Promise<void>;
}

export type { RetryPolicy };

export interface KubernetesRuntimeOptions {
  kubeconfig?: string;
  region: string;
  logger: Logger;
  /** Defaults to a Piscina pool, which close() closes; an injected one is the caller's. */
  converter?: PodConverter;
  retry?: Partial<RetryPolicy>;
  /** How often every cached Pod is re-derived (health grace periods, failed deletes). */
  resyncIntervalMs?: number;
  /** Epoch milliseconds; injected so tests control time. */
  now?: () => number;
  /** Where to register the API error counter; unregistered when omitted. */
  registry?: Registry;
}

/** Waits for a Namespace still finalizing an earlier deletion (≤ 2 s apart, about a minute). */
const TERMINATING_NAMESPACE_CHECKS = 40;
/** STOPPED tasks remembered to de-duplicate late observations; older ones are forgotten. */
const REMEMBERED_STOPPED_TASKS = 10_000;

export const VANISHED_REASON = 'Task stopped: its Pod vanished while KECS was not watching';
export const DELETED_REASON = 'Task stopped: its Pod was deleted outside KECS';
/** How a task ends when Kubernetes, not ECS, ended it: to a client, a termination notice. */
const TERMINATED = { stopCode: 'TerminationNotice' } as const;

const arnOfPod = (pod: k8s.V1Pod) => pod.metadata?.annotations?.[ANNOTATION.taskArn];

export async function createKubernetesRuntime(options: KubernetesRuntimeOptions): Promise<Runtime> {
  const { region, logger } = options;
  const log = logger.child({ component: 'kubernetes-runtime' });
  const now = options.now ?? Date.now;
  const kc = new k8s.KubeConfig();
  if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
  else kc.loadFromDefault();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const converter = options.converter ?? createConverterPool();
  const ownsConverter = !options.converter;
  const apiRetry = createApiRetry({ policy: options.retry, log, registry: options.registry });
  const { retrying, sleep, backoff } = apiRetry;
  const selector = `${MANAGED_LABEL}=true,${LABEL.region}=${region}`;

  let closed = false;
  const listeners = new Set<ObservationListener>();
  /** The last observation sent per task ARN: for de-duplication and stop details. */
  const latest = new Map<string, TaskObservation>();
  /** ARNs in `latest` whose observation is STOPPED, oldest first. */
  const stoppedOrder = new Set<string>();
  /** Tasks this process started: never orphans, even when reconcile did not know them. */
  const started = new Set<string>();
  const unsupportedLogged = new Set<string>();
  /** Pods asked to stop (key → grace seconds) until they are gone; resync re-asks. */
  const stopRequested = new Map<string, number | undefined>();
  const reaping = new Set<string>();

  // --- observations ---------------------------------------------------------------

  function emit(taskArn: string, observation: TaskObservation, force = false) {
    const previous = latest.get(taskArn);
    if (!force && previous) {
      // Statuses only move forward; a Pod being torn down after a failure looks "earlier".
      if (sameObservation(previous, observation)) return;
      if (statusRank(observation.lastStatus) < statusRank(previous.lastStatus)) return;
    }
    latest.set(taskArn, observation);
    rememberIfStopped(taskArn, observation);
    for (const listener of [...listeners]) {
      try {
        listener(taskArn, observation);
      } catch (err) {
        log.error({ err, taskArn }, 'observation listener threw');
      }
    }
  }

  /** Live tasks stay in `latest`; of the STOPPED ones only the most recent are kept. */
  function rememberIfStopped(taskArn: string, observation: TaskObservation) {
    stoppedOrder.delete(taskArn);
    if (observation.lastStatus !== 'STOPPED') return;
    stoppedOrder.add(taskArn);
    for (const oldest of stoppedOrder) {
      if (stoppedOrder.size <= REMEMBERED_STOPPED_TASKS) break;
      stoppedOrder.delete(oldest);
      latest.delete(oldest);
    }
  }

  /** The Pod's observation, keeping stop details an earlier one of the same task had. */
  const derive = (taskArn: string, pod: k8s.V1Pod) => keepStopDetails(latest.get(taskArn), observePod(pod, now()));

  function onPod(pod: k8s.V1Pod) {
    const taskArn = arnOfPod(pod);
    if (!taskArn || closed) return;
    const observation = derive(taskArn, pod);
    emit(taskArn, observation);
    const key = keyOfPod(pod);
    if (pod.metadata?.deletionTimestamp) return;
    if (needsReaping(taskArn, observation)) reap(pod, undefined);
    else if (stopRequested.has(key)) reap(pod, stopRequested.get(key));
  }

  function onPodGone(pod: k8s.V1Pod) {
    const taskArn = arnOfPod(pod);
    const key = keyOfPod(pod);
    const asked = stopRequested.delete(key);
    if (!taskArn || closed) return;
    const stopped = stoppedAfter(derive(taskArn, pod), now());
    // A StopTask brings its own reason; a Pod deleted without one was the infrastructure's doing.
    emit(taskArn, asked || stopped.stopCode ? stopped : { ...stopped, ...TERMINATED, stoppedReason: DELETED_REASON });
    unsupportedLogged.delete(taskArn);
    started.delete(taskArn);
  }

  /**
   * A finished Pod (all containers done, an essential one exited, or a start failure) is
   * deleted so the task reaches STOPPED; so is any Pod of a task already reported STOPPED.
   */
  function needsReaping(taskArn: string, observation: TaskObservation): boolean {
    return (
      observation.stopCode !== undefined ||
      statusRank(observation.lastStatus) >= statusRank('DEPROVISIONING') ||
      latest.get(taskArn)?.lastStatus === 'STOPPED'
    );
  }

  function reap(pod: k8s.V1Pod, gracePeriodSeconds: number | undefined) {
    const key = keyOfPod(pod);
    if (reaping.has(key)) return;
    reaping.add(key);
    deletePod(pod.metadata!.namespace!, pod.metadata!.name!, gracePeriodSeconds)
      .catch((err) => log.warn({ pod: key, err: describeError(err) }, 'could not delete Pod; the next resync retries'))
      .finally(() => reaping.delete(key));
  }

  // --- the informer: every managed Pod's changes, and each again at every resync ------

  const informer = startPodInformer({
    kc,
    core,
    labelSelector: selector,
    log,
    retry: apiRetry,
    resyncIntervalMs: options.resyncIntervalMs ?? 30_000,
    onPod,
    onPodGone,
  });

  // --- API calls, NotFound and AlreadyExists as states ------------------------------

  /** Deletes a Pod; 'gone' when it was not there. */
  function deletePod(namespace: string, name: string, gracePeriodSeconds: number | undefined): Promise<'deleting' | 'gone'> {
    return retrying('delete pod', async () => {
      try {
        await core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds });
        return 'deleting' as const;
      } catch (err) {
        if (isStatus(err, 404)) return 'gone' as const;
        throw err;
      }
    });
  }

  /** Creates a Pod; 'exists' when a Pod of that name already does (the task started before). */
  async function createPod(namespace: string, pod: k8s.V1Pod, clusterName: string): Promise<'created' | 'exists'> {
    const create = () =>
      retrying('create pod', async () => {
        try {
          await core.createNamespacedPod({ namespace, body: pod });
          return 'created' as const;
        } catch (err) {
          if (isStatus(err, 409)) return 'exists' as const;
          throw err;
        }
      });
    try {
      return await create();
    } catch (err) {
      // The Namespace went away (deleted by hand, or a restart re-applying): make it again.
      if (!isStatus(err, 404)) throw err;
      await provisionCluster(clusterName);
      return create();
    }
  }

  async function provisionCluster(clusterName: string): Promise<void> {
    const name = namespaceFor(region, clusterName);
    const body: k8s.V1Namespace = {
      metadata: {
        name,
        labels: { [MANAGED_LABEL]: 'true', [LABEL.cluster]: labelValue(clusterName), [LABEL.region]: region },
        annotations: { [ANNOTATION.cluster]: clusterName },
      },
    };
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await retrying('create namespace', async () => {
        try {
          await core.createNamespace({ body });
          return 'created';
        } catch (err) {
          if (!isStatus(err, 409)) throw err;
        }
        const existing = await core.readNamespace({ name }).catch((err) => {
          if (isStatus(err, 404)) return undefined;
          throw err;
        });
        // Gone between the two calls, or finalizing an earlier deletion: wait and create.
        return !existing || existing.metadata?.deletionTimestamp ? 'terminating' : 'exists';
      });
      if (outcome !== 'terminating') return;
      if (closed || attempt >= TERMINATING_NAMESPACE_CHECKS) throw new Error(`Namespace ${name} is still being deleted`);
      await sleep(backoff(attempt, 2_000));
    }
  }

  function failStart(spec: TaskSpec, detail: string, err?: unknown) {
    started.delete(spec.taskArn);
    unsupportedLogged.delete(spec.taskArn);
    log.warn({ taskArn: spec.taskArn, err: err === undefined ? undefined : describeError(err) }, detail);
    const failed: TaskObservation = {
      lastStatus: 'STOPPED',
      at: now(),
      stopCode: 'TaskFailedToStart',
      stoppedReason: `ResourceInitializationError: ${detail}${err === undefined ? '' : `: ${describeError(err)}`}`,
    };
    emit(spec.taskArn, failed);
  }

  return {
    name: 'kubernetes',

    async provisionCluster(clusterName) {
      await provisionCluster(clusterName).catch((err) => {
        throw surfaced(`could not create the Namespace of cluster ${clusterName}`, err);
      });
    },

    async deprovisionCluster(clusterName) {
      await retrying('delete namespace', async () => {
        try {
          await core.deleteNamespace({ name: namespaceFor(region, clusterName) });
        } catch (err) {
          if (!isStatus(err, 404)) throw err;
        }
      }).catch((err) => {
        throw surfaced(`could not delete the Namespace of cluster ${clusterName}`, err);
      });
    },

    async startTask(spec) {
      started.add(spec.taskArn);
      const namespace = namespaceFor(region, spec.clusterName);
      let conversion: ConversionResult;
      try {
        conversion = await converter.convert({
          spec,
          namespace,
          podName: podNameFor(spec.taskId),
          labels: labelsFor(spec, region),
          annotations: annotationsFor(spec),
        });
      } catch (err) {
        failStart(spec, 'could not convert the task definition to a Pod', err);
        return;
      }
      if (conversion.unsupported.length > 0 && !unsupportedLogged.has(spec.taskArn)) {
        unsupportedLogged.add(spec.taskArn);
        log.info({ taskArn: spec.taskArn, unsupported: conversion.unsupported }, 'task definition features not run on Kubernetes');
      }
      try {
        await createPod(namespace, conversion.pod, spec.clusterName);
      } catch (err) {
        failStart(spec, 'could not create the Pod', err);
      }
    },

    async stopTask(spec, gracePeriodSeconds) {
      const namespace = namespaceFor(region, spec.clusterName);
      const name = podNameFor(spec.taskId);
      const key = podKey(namespace, name);
      stopRequested.set(key, gracePeriodSeconds);
      try {
        if ((await deletePod(namespace, name, gracePeriodSeconds)) === 'gone') {
          stopRequested.delete(key);
          emit(spec.taskArn, stoppedAfter(latest.get(spec.taskArn), now()));
        }
      } catch (err) {
        log.error({ taskArn: spec.taskArn, err: describeError(err) }, 'could not delete the Pod; the next resync retries');
      }
    },

    observe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async reconcile(known) {
      let pods: k8s.V1Pod[];
      try {
        pods = (await retrying('list pods', () => core.listPodForAllNamespaces({ labelSelector: selector }))).items;
      } catch (err) {
        log.error({ err: describeError(err) }, 'reconcile could not list Pods; adoption and orphan removal skipped');
        return;
      }
      const byKey = new Map(pods.map((pod) => [keyOfPod(pod), pod]));
      const claimed = new Set<string>();
      for (const spec of known) {
        const key = podKey(namespaceFor(region, spec.clusterName), podNameFor(spec.taskId));
        claimed.add(key);
        const pod = byKey.get(key);
        if (pod) {
          // Adopt: report where it is now, even if the informer already did.
          emit(spec.taskArn, derive(spec.taskArn, pod), true);
          onPod(pod); // and reap it if it has finished
        } else if (!started.has(spec.taskArn)) {
          const stopped = stoppedAfter(latest.get(spec.taskArn), now());
          emit(spec.taskArn, stopped.stopCode ? stopped : { ...stopped, ...TERMINATED, stoppedReason: VANISHED_REASON }, true);
        }
      }
      const orphans = pods.filter((pod) => !claimed.has(keyOfPod(pod)) && !started.has(arnOfPod(pod) ?? ''));
      await Promise.all(
        orphans.map(async (pod) => {
          log.info({ pod: keyOfPod(pod), taskArn: arnOfPod(pod) }, 'deleting a Pod no known task claims');
          await deletePod(pod.metadata!.namespace!, pod.metadata!.name!, undefined).catch((err) =>
            log.warn({ pod: keyOfPod(pod), err: describeError(err) }, 'could not delete orphan Pod'),
          );
        }),
      );
    },

    async close() {
      if (closed) return;
      closed = true;
      apiRetry.close();
      listeners.clear();
      await informer.stop();
      if (ownsConverter) await converter.close();
    },
  };
}
