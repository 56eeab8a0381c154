/**
 * The Pod → task status mapping, row by row: each row is a Pod as a kubelet (or kwok)
 * would report it and the observation a task should get from it. Pure, no cluster.
 */
import test from 'ava';
import { ANNOTATION } from '../kubernetes/naming.ts';
import type { V1ContainerState, V1ContainerStatus, V1Pod, V1Probe } from '@kubernetes/client-node';
import {
  keepStopDetails,
  observePod,
  sameObservation,
  stoppedAfter,
} from '../kubernetes/podStatus.ts';
import type { TaskObservation } from '../machines/taskObservation.ts';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const iso = (msBeforeNow: number) => new Date(NOW - msBeforeNow).toISOString();

const running = (msAgo = 60_000): V1ContainerState => ({ running: { startedAt: iso(msAgo) as unknown as Date } });
const waiting = (reason: string, message?: string): V1ContainerState => ({ waiting: { reason, message } });
const terminated = (exitCode: number, reason = exitCode === 0 ? 'Completed' : 'Error', message?: string): V1ContainerState => ({
  terminated: { exitCode, reason, message, finishedAt: iso(1_000) as unknown as Date },
});

interface ContainerSketch {
  /** Kubernetes name; the ECS name is its upper-cased form, to prove the name map is used. */
  name: string;
  state?: V1ContainerState;
  ready?: boolean;
  started?: boolean;
  probe?: V1Probe;
  init?: boolean;
}

interface PodSketch {
  containers: ContainerSketch[];
  essential?: string[];
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  scheduled?: boolean;
  deleting?: boolean;
  reason?: string;
  message?: string;
}

const ecsName = (kubeName: string) => kubeName.toUpperCase();

/** A Pod as the converter writes it and a kubelet reports it. */
function pod(s: PodSketch): V1Pod {
  const status = (c: ContainerSketch): V1ContainerStatus => ({
    name: c.name,
    image: 'registry.local/app:1',
    imageID: '',
    ready: c.ready ?? false,
    restartCount: 0,
    ...(c.started !== undefined && { started: c.started }),
    ...(c.state && { state: c.state }),
    ...(c.state && !c.state.waiting && { containerID: `containerd://${c.name}-id` }),
  });
  const spec = (c: ContainerSketch) => ({ name: c.name, image: 'registry.local/app:1', readinessProbe: c.probe });
  const inits = s.containers.filter((c) => c.init);
  const mains = s.containers.filter((c) => !c.init);
  const scheduled = s.scheduled ?? true;
  return {
    metadata: {
      name: 'task-0123',
      namespace: 'kecs-us-east-1-default',
      annotations: {
        [ANNOTATION.containerNames]: JSON.stringify(Object.fromEntries(s.containers.map((c) => [c.name, ecsName(c.name)]))),
        [ANNOTATION.essentialContainers]: (s.essential ?? mains.map((c) => c.name)).map(ecsName).join(','),
      },
      ...(s.deleting && { deletionTimestamp: iso(0) as unknown as Date }),
    },
    spec: {
      ...(scheduled && { nodeName: 'node-0' }),
      restartPolicy: 'Never',
      initContainers: inits.length ? inits.map(spec) : undefined,
      containers: mains.map(spec),
    },
    status: {
      phase: s.phase ?? 'Pending',
      reason: s.reason,
      message: s.message,
      conditions: [{ type: 'PodScheduled', status: scheduled ? 'True' : 'False' }],
      initContainerStatuses: inits.filter((c) => c.state).map(status),
      containerStatuses: mains.filter((c) => c.state).map(status),
    },
  };
}

const PROBE: V1Probe = { exec: { command: ['true'] }, periodSeconds: 10, failureThreshold: 3 };

interface Row {
  title: string;
  pod: V1Pod | undefined;
  expect: Partial<TaskObservation>;
  /** Expected containers by ECS name; only the fields given are compared. */
  containers?: Record<string, Record<string, unknown>>;
}

const rows: Row[] = [
  { title: 'a Pod that is gone is STOPPED', pod: undefined, expect: { lastStatus: 'STOPPED' } },
  {
    title: 'not scheduled yet: PROVISIONING',
    pod: pod({ scheduled: false, containers: [{ name: 'app' }] }),
    expect: { lastStatus: 'PROVISIONING' },
    containers: { APP: { lastStatus: 'PENDING', healthStatus: 'UNKNOWN' } },
  },
  {
    title: 'scheduled, container being created: PENDING',
    pod: pod({ containers: [{ name: 'app', state: waiting('ContainerCreating') }] }),
    expect: { lastStatus: 'PENDING' },
    containers: { APP: { lastStatus: 'PENDING' } },
  },
  {
    title: 'scheduled, no container status yet: PENDING',
    pod: pod({ containers: [{ name: 'app' }] }),
    expect: { lastStatus: 'PENDING' },
  },
  {
    title: 'init container (an ECS dependency) running: ACTIVATING',
    pod: pod({
      containers: [
        { name: 'setup', init: true, state: running() },
        { name: 'app', state: waiting('PodInitializing') },
      ],
    }),
    expect: { lastStatus: 'ACTIVATING' },
    containers: { SETUP: { lastStatus: 'RUNNING' }, APP: { lastStatus: 'PENDING' } },
  },
  {
    title: 'init container pulling its image: PENDING',
    pod: pod({ containers: [{ name: 'setup', init: true, state: waiting('ContainerCreating') }, { name: 'app' }] }),
    expect: { lastStatus: 'PENDING' },
  },
  {
    title: 'one of two essential containers started: ACTIVATING',
    pod: pod({
      phase: 'Running',
      containers: [
        { name: 'app', state: running() },
        { name: 'proxy', state: waiting('ContainerCreating') },
      ],
    }),
    expect: { lastStatus: 'ACTIVATING' },
  },
  {
    title: 'running but its startup probe has not passed: ACTIVATING',
    pod: pod({ phase: 'Running', containers: [{ name: 'app', state: running(), started: false }] }),
    expect: { lastStatus: 'ACTIVATING' },
  },
  {
    title: 'all essential containers running: RUNNING, with container ids',
    pod: pod({ phase: 'Running', containers: [{ name: 'app', state: running(), ready: true }] }),
    expect: { lastStatus: 'RUNNING' },
    containers: { APP: { lastStatus: 'RUNNING', runtimeId: 'containerd://app-id', healthStatus: 'UNKNOWN' } },
  },
  {
    title: 'essential running, non-essential still pulling: RUNNING',
    pod: pod({
      phase: 'Running',
      essential: ['app'],
      containers: [
        { name: 'app', state: running(), ready: true },
        { name: 'logs', state: waiting('ContainerCreating') },
      ],
    }),
    expect: { lastStatus: 'RUNNING' },
  },
  {
    title: 'a non-essential container exiting does not stop the task',
    pod: pod({
      phase: 'Running',
      essential: ['app'],
      containers: [
        { name: 'app', state: running(), ready: true },
        { name: 'migrate', state: terminated(0) },
      ],
    }),
    expect: { lastStatus: 'RUNNING', stopCode: undefined },
    containers: { MIGRATE: { lastStatus: 'STOPPED', exitCode: 0, reason: undefined } },
  },
  {
    title: 'probed and ready: HEALTHY',
    pod: pod({ phase: 'Running', containers: [{ name: 'app', state: running(), ready: true, probe: PROBE }] }),
    expect: { lastStatus: 'RUNNING' },
    containers: { APP: { healthStatus: 'HEALTHY' } },
  },
  {
    title: 'probed, not ready, still within the probe grace: UNKNOWN',
    pod: pod({ phase: 'Running', containers: [{ name: 'app', state: running(5_000), probe: PROBE }] }),
    expect: { lastStatus: 'RUNNING' },
    containers: { APP: { healthStatus: 'UNKNOWN' } },
  },
  {
    title: 'probed, still not ready after initial delay + failureThreshold periods: UNHEALTHY',
    pod: pod({ phase: 'Running', containers: [{ name: 'app', state: running(31_000), probe: PROBE }] }),
    expect: { lastStatus: 'RUNNING' },
    containers: { APP: { healthStatus: 'UNHEALTHY' } },
  },
  {
    title: 'image pull error: STOPPED, TaskFailedToStart, CannotPullContainerError',
    pod: pod({
      containers: [{ name: 'app', state: waiting('ErrImagePull', 'pull access denied for registry.local/nope') }],
    }),
    expect: {
      lastStatus: 'STOPPED',
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: pull access denied for registry.local/nope',
    },
    containers: { APP: { lastStatus: 'STOPPED', reason: 'CannotPullContainerError: pull access denied for registry.local/nope' } },
  },
  {
    title: 'image pull back-off: STOPPED, TaskFailedToStart',
    pod: pod({ containers: [{ name: 'app', state: waiting('ImagePullBackOff', 'Back-off pulling image') }] }),
    expect: { lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: Back-off pulling image' },
  },
  {
    title: 'invalid image name, without a message: the reason stands in',
    pod: pod({ containers: [{ name: 'app', state: waiting('InvalidImageName') }] }),
    expect: { lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: InvalidImageName' },
  },
  {
    title: 'container config error (e.g. a missing secret): STOPPED, TaskFailedToStart',
    pod: pod({
      phase: 'Pending',
      containers: [
        { name: 'app', state: running() },
        { name: 'sidecar', state: waiting('CreateContainerConfigError', 'secret "db" not found') },
      ],
    }),
    expect: {
      lastStatus: 'STOPPED',
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotCreateContainerError: secret "db" not found',
    },
    containers: { APP: { lastStatus: 'STOPPED' }, SIDECAR: { lastStatus: 'STOPPED' } },
  },
  {
    title: 'container create error: STOPPED, TaskFailedToStart',
    pod: pod({ containers: [{ name: 'app', state: waiting('CreateContainerError', 'no command specified') }] }),
    expect: { lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart', stoppedReason: 'CannotCreateContainerError: no command specified' },
  },
  {
    title: 'essential container exited while another runs: STOPPING, EssentialContainerExited',
    pod: pod({
      phase: 'Running',
      containers: [
        { name: 'app', state: terminated(3) },
        { name: 'proxy', state: running(), ready: true },
      ],
    }),
    expect: {
      lastStatus: 'STOPPING',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
    },
    containers: { APP: { lastStatus: 'STOPPED', exitCode: 3 }, PROXY: { lastStatus: 'RUNNING' } },
  },
  {
    title: 'all containers done, phase Succeeded: DEPROVISIONING with the exit',
    pod: pod({ phase: 'Succeeded', containers: [{ name: 'app', state: terminated(0) }] }),
    expect: { lastStatus: 'DEPROVISIONING', stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' },
    containers: { APP: { lastStatus: 'STOPPED', exitCode: 0, reason: undefined } },
  },
  {
    title: 'phase Failed after an OOM kill: DEPROVISIONING, the ECS OOM reason on the container',
    pod: pod({ phase: 'Failed', containers: [{ name: 'app', state: terminated(137, 'OOMKilled') }] }),
    expect: { lastStatus: 'DEPROVISIONING', stopCode: 'EssentialContainerExited' },
    containers: { APP: { exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' } },
  },
  {
    title: 'failed init container: DEPROVISIONING, TaskFailedToStart naming the dependency',
    pod: pod({
      phase: 'Failed',
      containers: [
        { name: 'setup', init: true, state: terminated(2) },
        { name: 'app', state: waiting('PodInitializing') },
      ],
    }),
    expect: { lastStatus: 'DEPROVISIONING', stopCode: 'TaskFailedToStart', stoppedReason: 'Dependency container SETUP exited with code 2' },
  },
  {
    title: 'evicted Pod: DEPROVISIONING, TerminationNotice with the eviction as the reason',
    pod: pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.', containers: [{ name: 'app' }] }),
    expect: {
      lastStatus: 'DEPROVISIONING',
      stopCode: 'TerminationNotice',
      stoppedReason: 'Task stopped: Evicted: The node was low on resource: memory.',
    },
  },
  {
    title: 'deleted while its containers run: DEACTIVATING',
    pod: pod({ phase: 'Running', deleting: true, containers: [{ name: 'app', state: running(), ready: true }] }),
    expect: { lastStatus: 'DEACTIVATING' },
  },
  {
    title: 'deleted, some containers have stopped: STOPPING',
    pod: pod({
      phase: 'Running',
      deleting: true,
      essential: ['app'],
      containers: [
        { name: 'app', state: running() },
        { name: 'logs', state: terminated(143) },
      ],
    }),
    expect: { lastStatus: 'STOPPING', stopCode: undefined },
  },
  {
    title: 'deleted before anything ran: STOPPING',
    pod: pod({ deleting: true, containers: [{ name: 'app', state: waiting('ContainerCreating') }] }),
    expect: { lastStatus: 'STOPPING' },
  },
];

for (const row of rows) {
  test(`observePod: ${row.title}`, (t) => {
    const observed = observePod(row.pod, NOW);
    t.is(observed.at, NOW);
    for (const [key, value] of Object.entries(row.expect)) {
      t.deepEqual(observed[key as keyof TaskObservation], value, key);
    }
    for (const [name, fields] of Object.entries(row.containers ?? {})) {
      const container = observed.containers?.find((c) => c.name === name);
      t.truthy(container, `container ${name} is reported under its ECS name`);
      for (const [key, value] of Object.entries(fields)) {
        t.deepEqual(container?.[key as keyof typeof container], value, `${name}.${key}`);
      }
    }
  });
}

test('observePod: without the converter annotations, every regular container is an essential ECS container', (t) => {
  const bare: V1Pod = {
    metadata: { name: 'task-x' },
    spec: { nodeName: 'n', containers: [{ name: 'a' }, { name: 'b' }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        { name: 'a', image: 'i', imageID: '', ready: true, restartCount: 0, state: running() },
        { name: 'b', image: 'i', imageID: '', ready: false, restartCount: 0, state: terminated(1) },
      ],
    },
  };
  const observed = observePod(bare, NOW);
  t.is(observed.lastStatus, 'STOPPING');
  t.is(observed.stopCode, 'EssentialContainerExited');
  t.deepEqual(observed.containers?.map((c) => c.name), ['a', 'b']);
});

test('observePod: the essential list may name containers by their Kubernetes names too', (t) => {
  const p = pod({
    phase: 'Running',
    containers: [
      { name: 'app', state: running(), ready: true },
      { name: 'migrate', state: terminated(1) },
    ],
  });
  p.metadata!.annotations![ANNOTATION.essentialContainers] = 'app';
  t.is(observePod(p, NOW).lastStatus, 'RUNNING', 'migrate is not essential');
  p.metadata!.annotations![ANNOTATION.essentialContainers] = 'app,migrate';
  t.is(observePod(p, NOW).stopCode, 'EssentialContainerExited');
});

test('observePod: a sidecar (init container with restartPolicy Always) is a running container', (t) => {
  const p = pod({ phase: 'Running', containers: [{ name: 'app', state: running(), ready: true }] });
  p.spec!.initContainers = [{ name: 'proxy', restartPolicy: 'Always' }];
  p.metadata!.annotations![ANNOTATION.containerNames] = JSON.stringify({ app: 'APP', proxy: 'PROXY' });
  p.metadata!.annotations![ANNOTATION.essentialContainers] = 'app,proxy';
  p.status!.initContainerStatuses = [{ name: 'proxy', image: 'i', imageID: '', ready: true, restartCount: 0, started: true, state: running() }];
  t.is(observePod(p, NOW).lastStatus, 'RUNNING');
  p.status!.initContainerStatuses[0].state = terminated(1);
  const exited = observePod(p, NOW);
  t.is(exited.lastStatus, 'STOPPING');
  t.is(exited.stopCode, 'EssentialContainerExited');
  t.deepEqual(exited.containers?.find((c) => c.name === 'PROXY')?.exitCode, 1);
});

test('observePod: containers outside the name map (KECS plumbing) are not reported', (t) => {
  const p = pod({ phase: 'Running', containers: [{ name: 'app', state: running(), ready: true }] });
  p.spec!.containers.push({ name: 'kecs-helper' });
  p.status!.containerStatuses!.push({ name: 'kecs-helper', image: 'i', imageID: '', ready: true, restartCount: 0, state: running() });
  t.deepEqual(observePod(p, NOW).containers?.map((c) => c.name), ['APP']);
});

test('stoppedAfter: the final observation keeps the stop code, reason and exit codes, all containers stopped', (t) => {
  const last = observePod(
    pod({
      phase: 'Running',
      containers: [
        { name: 'app', state: terminated(3) },
        { name: 'proxy', state: running(), ready: true, probe: PROBE },
      ],
    }),
    NOW,
  );
  const final = stoppedAfter(last, NOW + 5_000);
  t.is(final.lastStatus, 'STOPPED');
  t.is(final.at, NOW + 5_000);
  t.is(final.stopCode, 'EssentialContainerExited');
  t.is(final.stoppedReason, 'Essential container in task exited');
  t.deepEqual(
    final.containers?.map((c) => [c.name, c.lastStatus, c.exitCode, c.healthStatus]),
    [
      ['APP', 'STOPPED', 3, 'UNKNOWN'],
      ['PROXY', 'STOPPED', undefined, 'UNKNOWN'],
    ],
  );
  t.deepEqual(stoppedAfter(undefined, NOW), { lastStatus: 'STOPPED', at: NOW });
});

test('keepStopDetails: a later observation without a stop code inherits the earlier one', (t) => {
  const exited: TaskObservation = { lastStatus: 'STOPPING', at: 1, stopCode: 'EssentialContainerExited', stoppedReason: 'x' };
  const deleting: TaskObservation = { lastStatus: 'STOPPING', at: 2 };
  t.deepEqual(keepStopDetails(exited, deleting), { lastStatus: 'STOPPING', at: 2, stopCode: 'EssentialContainerExited', stoppedReason: 'x' });
  const own: TaskObservation = { lastStatus: 'STOPPED', at: 3, stopCode: 'TaskFailedToStart', stoppedReason: 'y' };
  t.is(keepStopDetails(exited, own), own);
  t.is(keepStopDetails(undefined, deleting), deleting);
});

test('sameObservation: ignores only the time', (t) => {
  const a: TaskObservation = { lastStatus: 'RUNNING', at: 1, containers: [{ name: 'A', lastStatus: 'RUNNING' }] };
  t.true(sameObservation(a, { ...a, at: 2 }));
  t.false(sameObservation(a, { ...a, containers: [{ name: 'A', lastStatus: 'RUNNING', healthStatus: 'HEALTHY' }] }));
  t.false(sameObservation(undefined, a));
});
