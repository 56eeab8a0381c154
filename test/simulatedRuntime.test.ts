import test from 'ava';
import type { TaskObservation } from '../machines/taskObservation.ts';
import type { TaskSpec } from '../kubernetes/runtime.ts';
import { createSimulatedRuntime, DEFAULT_PHASES } from '../kubernetes/simulatedRuntime.ts';
import { ManualClock } from './helpers/manualClock.ts';

function spec(env: Record<string, string> = {}, essential = true): TaskSpec {
  return {
    taskArn: 'arn:task/1',
    taskId: '1'.repeat(32),
    clusterName: 'c',
    taskDefinition: {
      family: 'web',
      revision: 1,
      containerDefinitions: [
        { name: 'app', image: 'nginx', essential, environment: Object.entries(env).map(([name, value]) => ({ name, value })) },
      ],
    },
  };
}

function setup() {
  const clock = new ManualClock();
  const runtime = createSimulatedRuntime(clock, DEFAULT_PHASES);
  const seen: TaskObservation[] = [];
  runtime.observe((_arn, o) => seen.push(o));
  return { clock, runtime, seen, statuses: () => seen.map((o) => o.lastStatus) };
}

test('a task reaches RUNNING after the configured phases, on the injected clock', async (t) => {
  const { clock, runtime, statuses, seen } = setup();
  await runtime.startTask(spec());
  t.deepEqual(statuses(), []);
  clock.advance(DEFAULT_PHASES.provisioning);
  t.deepEqual(statuses(), ['PENDING']);
  clock.advance(DEFAULT_PHASES.pending + DEFAULT_PHASES.activating);
  t.deepEqual(statuses(), ['PENDING', 'ACTIVATING', 'RUNNING']);
  t.is(seen[2].at - seen[0].at, DEFAULT_PHASES.pending + DEFAULT_PHASES.activating);
  t.is(seen[2].containers?.[0].lastStatus, 'RUNNING');
});

test('stopping a running task walks DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED', async (t) => {
  const { clock, runtime, statuses } = setup();
  await runtime.startTask(spec());
  clock.advance(1000);
  await runtime.stopTask(spec(), 30);
  clock.advance(1000);
  t.deepEqual(statuses().slice(3), ['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED']);
});

test('stopping a task before it runs skips the running-only phases', async (t) => {
  const { clock, runtime, statuses } = setup();
  await runtime.startTask(spec());
  clock.advance(DEFAULT_PHASES.provisioning);
  await runtime.stopTask(spec(), 30);
  clock.advance(1000);
  t.deepEqual(statuses(), ['PENDING', 'DEPROVISIONING', 'STOPPED']);
});

test('KECS_SIMULATE_EXIT_CODE makes an essential container exit after KECS_SIMULATE_EXIT_AFTER_MS', async (t) => {
  const { clock, runtime, seen } = setup();
  await runtime.startTask(spec({ KECS_SIMULATE_EXIT_CODE: '137', KECS_SIMULATE_EXIT_AFTER_MS: '5000' }));
  clock.advance(1000);
  t.is(seen.at(-1)?.lastStatus, 'RUNNING');
  clock.advance(5000);
  const last = seen.at(-1)!;
  t.is(last.lastStatus, 'STOPPED');
  t.is(last.stopCode, 'EssentialContainerExited');
  t.is(last.containers?.[0].exitCode, 137);
});

test('KECS_SIMULATE_START_FAILURE fails the task while it is PENDING', async (t) => {
  const { clock, runtime, seen, statuses } = setup();
  await runtime.startTask(spec({ KECS_SIMULATE_START_FAILURE: 'CannotPullContainerError: nope' }));
  clock.advance(2000);
  t.deepEqual(statuses(), ['PENDING', 'DEPROVISIONING', 'STOPPED']);
  t.like(seen.at(-1), { stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: nope' });
});

test('starting a task twice is idempotent', async (t) => {
  const { clock, runtime, statuses } = setup();
  await runtime.startTask(spec());
  await runtime.startTask(spec());
  clock.advance(2000);
  t.deepEqual(statuses(), ['PENDING', 'ACTIVATING', 'RUNNING']);
});
