import test from 'ava';
import { createActor } from 'xstate';
import { taskMachine, type TaskContext } from '../machines/taskMachine.ts';
import type { TaskObservation, TaskStatus } from '../machines/taskObservation.ts';

const context: TaskContext = {
  taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/c/' + 'a'.repeat(32),
  taskId: 'a'.repeat(32),
  clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/c',
  clusterName: 'c',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
  family: 'web',
  revision: 1,
  launchType: 'EC2',
  overrides: {},
  group: 'family:web',
  stopTimeout: 30,
  enableExecuteCommand: false,
  availabilityZone: 'us-east-1a',
  desiredStatus: 'RUNNING',
  version: 1,
  createdAt: 1000,
  containers: [{ containerArn: 'x', taskArn: 'y', name: 'app', image: 'nginx', lastStatus: 'PENDING', essential: true, healthStatus: 'UNKNOWN', cpu: '0' }],
  tags: [],
};

const task = () => createActor(taskMachine, { input: context }).start();
const observed = (lastStatus: TaskStatus, at: number, extra: Partial<TaskObservation> = {}) =>
  ({ type: 'runtime.observed', observation: { lastStatus, at, ...extra } }) as const;

test('the task walks the lifecycle on observations, setting each timestamp once', (t) => {
  const actor = task();
  actor.send(observed('PENDING', 2000));
  actor.send(observed('ACTIVATING', 3000));
  actor.send(observed('RUNNING', 4000, { containers: [{ name: 'app', lastStatus: 'RUNNING', runtimeId: 'r1' }] }));
  const s = actor.getSnapshot();
  t.is(s.value, 'RUNNING');
  t.like(s.context, { pullStartedAt: 2, pullStoppedAt: 3, startedAt: 4, connectivityAt: 4, version: 4 });
  t.like(s.context.containers[0], { lastStatus: 'RUNNING', runtimeId: 'r1' });
});

test('statuses never move backwards; stale observations only update containers', (t) => {
  const actor = task();
  actor.send(observed('RUNNING', 4000));
  actor.send(observed('PENDING', 5000, { containers: [{ name: 'app', lastStatus: 'RUNNING', exitCode: undefined, healthStatus: 'HEALTHY' }] }));
  const s = actor.getSnapshot();
  t.is(s.value, 'RUNNING');
  t.is(s.context.version, 2);
  t.is(s.context.containers[0].healthStatus, 'HEALTHY');
});

test('a task may stop before it runs: a start failure keeps the runtime’s code and reason', (t) => {
  const actor = task();
  actor.send(observed('PENDING', 2000));
  actor.send(observed('STOPPED', 3000, { stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: x' }));
  const s = actor.getSnapshot();
  t.is(s.value, 'STOPPED');
  t.like(s.context, { desiredStatus: 'STOPPED', stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: x', stoppedAt: 3, executionStoppedAt: 3 });
  t.is(s.context.startedAt, undefined);
});

test('a user stop request wins over the reason the runtime later reports', (t) => {
  const actor = task();
  actor.send(observed('RUNNING', 4000));
  actor.send({ type: 'ecs.stopTask', stopCode: 'UserInitiated', reason: 'bye', at: 5000 });
  t.like(actor.getSnapshot().context, { desiredStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'bye', stoppingAt: 5, version: 3 });
  actor.send({ type: 'ecs.stopTask', stopCode: 'UserInitiated', reason: 'again', at: 6000 });
  t.is(actor.getSnapshot().context.stoppedReason, 'bye', 'a second stop request changes nothing');
  actor.send(observed('DEACTIVATING', 6000, { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' }));
  actor.send(observed('STOPPED', 7000));
  t.like(actor.getSnapshot().context, { stopCode: 'UserInitiated', stoppedReason: 'bye', stoppingAt: 5, stoppedAt: 7 });
});

test('an essential container exit observed by the runtime stops the task with that reason', (t) => {
  const actor = task();
  actor.send(observed('RUNNING', 4000));
  actor.send(observed('DEACTIVATING', 5000, {
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 2 }],
  }));
  const s = actor.getSnapshot();
  t.is(s.value, 'DEACTIVATING');
  t.like(s.context, { desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppingAt: 5 });
  t.is(s.context.containers[0].exitCode, 2);
});

test('a persisted task snapshot restores its status and context', (t) => {
  const actor = task();
  actor.send(observed('RUNNING', 4000));
  const restored = createActor(taskMachine, { snapshot: JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) } as never).start();
  t.is(restored.getSnapshot().value, 'RUNNING');
  t.deepEqual(restored.getSnapshot().context, actor.getSnapshot().context);
});
