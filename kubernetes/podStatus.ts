import type { V1ContainerStatus, V1Pod, V1Probe } from '@kubernetes/client-node';
import type {
  ContainerObservation,
  HealthStatus,
  StopCode,
  TaskObservation,
  TaskStatus,
} from '../machines/taskObservation.ts';
import { ANNOTATION } from './naming.ts';

// The one place a task's status is derived on Kubernetes: a Pod (or its absence) in, a
// TaskObservation out. Pure, so every mapping below is a table row in the tests; the
// runtime only decides when to call it and what to do about the answer (e.g. delete a Pod
// that has finished).

export const ESSENTIAL_CONTAINER_EXITED = 'Essential container in task exited';

/**
 * Waiting reasons after which the kubelet will never start the container by itself (with
 * restartPolicy Never a pull is retried, but ECS gives up on the first failure), each with
 * the error prefix ECS puts in stoppedReason for the same failure.
 */
const START_FAILURES: Record<string, string> = {
  ErrImagePull: 'CannotPullContainerError',
  ImagePullBackOff: 'CannotPullContainerError',
  InvalidImageName: 'CannotPullContainerError',
  ErrImageNeverPull: 'CannotPullContainerError',
  RegistryUnavailable: 'CannotPullContainerError',
  SignatureValidationFailed: 'CannotPullContainerError',
  CreateContainerConfigError: 'CannotCreateContainerError',
  CreateContainerError: 'CannotCreateContainerError',
  RunContainerError: 'CannotStartContainerError',
};

/** Kubelet termination reasons that say nothing the exit code does not already say. */
const PLAIN_EXITS = new Set(['Completed', 'Error']);

/** Probe defaults the API server applies (seconds / count). */
const PROBE_DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, failureThreshold: 3 };

/** One ECS container as the Pod shows it. */
interface ContainerView {
  kubeName: string;
  ecsName: string;
  essential: boolean;
  probe?: V1Probe;
  status?: V1ContainerStatus;
  /** An init container: it is expected to finish before the others start. */
  init: boolean;
}

export function observePod(pod: V1Pod | undefined, now: number): TaskObservation {
  if (!pod) return { lastStatus: 'STOPPED', at: now };
  const views = containerViews(pod);
  const containers = views.map((v) => observeContainer(v, now));
  const at = now;

  const failure = startFailure(views);
  if (failure) {
    // The kubelet would retry the pull forever; ECS gives up, and so do we: every
    // container counts as stopped (the runtime deletes the Pod next).
    return {
      lastStatus: 'STOPPED',
      at,
      containers: containers.map((c) => ({ ...c, lastStatus: 'STOPPED', healthStatus: 'UNKNOWN' })),
      stopCode: 'TaskFailedToStart',
      stoppedReason: failure,
    };
  }

  const phase = pod.status?.phase;
  const exit = essentialExit(views);
  if (phase === 'Succeeded' || phase === 'Failed') {
    return { lastStatus: 'DEPROVISIONING', at, containers, ...(exit ?? finishedWithoutExit(pod, views)) };
  }
  // An essential container exited while others still run: the task is over, and the
  // runtime stops what is left.
  if (exit) return { lastStatus: 'STOPPING', at, containers, ...exit };

  if (pod.metadata?.deletionTimestamp) {
    return { lastStatus: deletingStatus(views), at, containers };
  }
  return { lastStatus: activeStatus(pod, views), at, containers };
}

/**
 * A STOPPED observation for a task whose Pod is gone, carrying what was last seen of it:
 * its stop code and reason, and its containers, all stopped now.
 */
export function stoppedAfter(lastSeen: TaskObservation | undefined, now: number): TaskObservation {
  const stopped = observePod(undefined, now);
  if (!lastSeen) return stopped;
  return {
    ...stopped,
    ...(lastSeen.containers && {
      containers: lastSeen.containers.map((c) => ({ ...c, lastStatus: 'STOPPED' as const, healthStatus: 'UNKNOWN' as const })),
    }),
    ...stopDetails(lastSeen),
  };
}

/**
 * `next`, keeping the stop code and reason of `previous` when `next` has none: a Pod that
 * is being deleted after its essential container exited no longer shows why it stopped.
 */
export function keepStopDetails(previous: TaskObservation | undefined, next: TaskObservation): TaskObservation {
  if (!previous?.stopCode || next.stopCode) return next;
  return { ...next, ...stopDetails(previous) };
}

/** True when two observations say the same thing (the time they were made aside). */
export function sameObservation(a: TaskObservation | undefined, b: TaskObservation): boolean {
  if (!a) return false;
  const { at: _a, ...restA } = a;
  const { at: _b, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}

function stopDetails(o: TaskObservation): Pick<TaskObservation, 'stopCode' | 'stoppedReason'> {
  return {
    ...(o.stopCode && { stopCode: o.stopCode }),
    ...(o.stoppedReason && { stoppedReason: o.stoppedReason }),
  };
}

function containerViews(pod: V1Pod): ContainerView[] {
  const annotations = pod.metadata?.annotations ?? {};
  const names = parseNames(annotations[ANNOTATION.containerNames]);
  const essentialList = annotations[ANNOTATION.essentialContainers];
  // ECS containers are essential unless marked otherwise; without the annotation, all are.
  const essential = essentialList === undefined ? undefined : new Set(essentialList.split(',').map((s) => s.trim()));
  const statuses = new Map<string, V1ContainerStatus>();
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    statuses.set(s.name, s);
  }
  const specs = [
    ...(pod.spec?.initContainers ?? []).map((c) => ({ c, init: c.restartPolicy !== 'Always' })),
    ...(pod.spec?.containers ?? []).map((c) => ({ c, init: false })),
  ];
  const views: ContainerView[] = [];
  for (const { c, init } of specs) {
    // With the converter's name map, containers outside it are plumbing KECS added, not
    // ECS containers; without it (a Pod from before the map), regular containers are.
    const ecsName = names ? names[c.name] : init ? undefined : c.name;
    if (ecsName === undefined) continue;
    views.push({
      kubeName: c.name,
      ecsName,
      // The converter lists Kubernetes names; an ECS name matches too, as Pods written
      // another way (by hand, by tests) spell it.
      essential: essential ? essential.has(c.name) || essential.has(ecsName) : !init,
      probe: c.readinessProbe ?? c.livenessProbe ?? c.startupProbe,
      status: statuses.get(c.name),
      init,
    });
  }
  return views;
}

function parseNames(raw: string | undefined): Record<string, string> | undefined {
  if (!raw) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}

function observeContainer(v: ContainerView, now: number): ContainerObservation {
  const state = v.status?.state;
  const observed: ContainerObservation = { name: v.ecsName, lastStatus: 'PENDING' };
  if (v.status?.containerID) observed.runtimeId = v.status.containerID;
  if (state?.terminated) {
    observed.lastStatus = 'STOPPED';
    observed.exitCode = state.terminated.exitCode;
    const reason = terminationReason(state.terminated.reason, state.terminated.message);
    if (reason) observed.reason = reason;
  } else if (state?.running) {
    observed.lastStatus = 'RUNNING';
  } else if (state?.waiting?.reason && START_FAILURES[state.waiting.reason]) {
    observed.reason = failureReason(state.waiting.reason, state.waiting.message);
  }
  observed.healthStatus = healthOf(v, now);
  return observed;
}

function terminationReason(reason: string | undefined, message: string | undefined): string | undefined {
  if (reason === 'OOMKilled') return 'OutOfMemoryError: Container killed due to memory usage';
  if (!reason || PLAIN_EXITS.has(reason)) return message || undefined;
  return message ? `${reason}: ${message}` : reason;
}

function failureReason(reason: string, message: string | undefined): string {
  return `${START_FAILURES[reason]}: ${message || reason}`;
}

/**
 * HEALTHY once a probed container is ready; UNHEALTHY when it runs but is still not ready
 * after the probe has had every chance to pass (initial delay plus failureThreshold
 * periods), since a Pod cannot tell "not checked yet" from "failing"; UNKNOWN otherwise,
 * as ECS reports containers without a healthCheck.
 */
function healthOf(v: ContainerView, now: number): HealthStatus {
  const running = v.status?.state?.running;
  if (!v.probe || !running) return 'UNKNOWN';
  if (v.status?.ready) return 'HEALTHY';
  const startedAt = running.startedAt ? new Date(running.startedAt).getTime() : undefined;
  if (startedAt === undefined || Number.isNaN(startedAt)) return 'UNKNOWN';
  const p = v.probe;
  const graceSeconds =
    (p.initialDelaySeconds ?? PROBE_DEFAULTS.initialDelaySeconds) +
    (p.periodSeconds ?? PROBE_DEFAULTS.periodSeconds) * (p.failureThreshold ?? PROBE_DEFAULTS.failureThreshold);
  return now - startedAt >= graceSeconds * 1000 ? 'UNHEALTHY' : 'UNKNOWN';
}

/** The ECS-style reason when a container can never start, or undefined. */
function startFailure(views: ContainerView[]): string | undefined {
  for (const v of views) {
    const waiting = v.status?.state?.waiting;
    if (waiting?.reason && START_FAILURES[waiting.reason]) return failureReason(waiting.reason, waiting.message);
  }
  return undefined;
}

/** The stop details when an essential container has exited (its exit code is on the container). */
function essentialExit(views: ContainerView[]): { stopCode: StopCode; stoppedReason: string } | undefined {
  const exited = views.some((v) => v.essential && !v.init && v.status?.state?.terminated);
  return exited ? { stopCode: 'EssentialContainerExited', stoppedReason: ESSENTIAL_CONTAINER_EXITED } : undefined;
}

/**
 * Why a finished Pod stopped when no essential container exited: a failed init container
 * (an ECS dependency) means the task never started; otherwise Kubernetes ended it (e.g.
 * Evicted), which to an ECS client is the infrastructure's doing: TerminationNotice.
 */
function finishedWithoutExit(pod: V1Pod, views: ContainerView[]): Pick<TaskObservation, 'stopCode' | 'stoppedReason'> {
  const failedInit = views.find((v) => v.init && (v.status?.state?.terminated?.exitCode ?? 0) !== 0);
  if (failedInit) {
    const code = failedInit.status!.state!.terminated!.exitCode;
    return {
      stopCode: 'TaskFailedToStart',
      stoppedReason: `Dependency container ${failedInit.ecsName} exited with code ${code}`,
    };
  }
  const { reason, message } = pod.status ?? {};
  if (!reason && !message) return {};
  return { stopCode: 'TerminationNotice', stoppedReason: `Task stopped: ${[reason, message].filter(Boolean).join(': ')}` };
}

/** A Pod being deleted: its containers get SIGTERM, then the Pod goes away. */
function deletingStatus(views: ContainerView[]): TaskStatus {
  const running = views.some((v) => v.status?.state?.running);
  const terminated = views.some((v) => v.status?.state?.terminated && !v.init);
  return running && !terminated ? 'DEACTIVATING' : 'STOPPING';
}

/** A Pod that is neither finished nor being deleted. */
function activeStatus(pod: V1Pod, views: ContainerView[]): TaskStatus {
  const scheduled =
    Boolean(pod.spec?.nodeName) || pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'True');
  if (!scheduled) return 'PROVISIONING';

  const main = views.filter((v) => !v.init);
  const essential = main.filter((v) => v.essential);
  const required = essential.length > 0 ? essential : main;
  // `started` turns true once a startup probe passes; kubelets without one may omit it.
  const started = (v: ContainerView) => Boolean(v.status?.state?.running) && v.status?.started !== false;
  if (pod.status?.phase === 'Running' && required.length > 0 && required.every(started)) return 'RUNNING';

  const initRunning = views.some((v) => v.init && v.status?.state?.running);
  const anyStarted = main.some((v) => v.status?.state?.running || v.status?.state?.terminated);
  return initRunning || anyStarted ? 'ACTIVATING' : 'PENDING';
}
