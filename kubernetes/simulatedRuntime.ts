import type { ContainerObservation, StopCode, TaskObservation, TaskStatus } from '../machines/taskObservation.ts';
import type { ObservationListener, Runtime, TaskSpec } from './runtime.ts';
import { simulatedContainers, type SimulatedContainer } from './simulatedProvocations.ts';

/** The time the simulation runs on: the actors' injected clock fits this shape. */
export interface SimulationClock {
  now(): number;
  setTimer(fn: () => void, ms: number): () => void;
}

/** How long each phase lasts, in milliseconds. */
export interface PhaseDurations {
  provisioning: number;
  pending: number;
  activating: number;
  deactivating: number;
  stopping: number;
  deprovisioning: number;
}

export const DEFAULT_PHASES: PhaseDurations = {
  provisioning: 100,
  pending: 300,
  activating: 100,
  deactivating: 50,
  stopping: 100,
  deprovisioning: 50,
};

export const uniformPhases = (ms: number): PhaseDurations => ({
  provisioning: ms,
  pending: ms,
  activating: ms,
  deactivating: ms,
  stopping: ms,
  deprovisioning: ms,
});

interface SimTask {
  spec: TaskSpec;
  status: TaskStatus;
  containers: SimulatedContainer[];
  observed: Map<string, ContainerObservation>;
  /** Cancels every pending timer of the task. */
  timers: Set<() => void>;
  /** Replaced when the task starts stopping, so the start sequence cannot go on. */
  sequence: object;
  stopping: boolean;
}

/**
 * Runs no containers: each task walks the real ECS lifecycle on the injected clock, and
 * the failures a user provokes (see simulatedProvocations.ts) stop it as ECS would.
 */
export function createSimulatedRuntime(clock: SimulationClock, phases: PhaseDurations = DEFAULT_PHASES): Runtime {
  const tasks = new Map<string, SimTask>();
  const listeners = new Set<ObservationListener>();

  function emit(task: SimTask, status: TaskStatus, stop?: { stopCode: StopCode; stoppedReason: string }): void {
    task.status = status;
    const observation: TaskObservation = {
      lastStatus: status,
      at: clock.now(),
      containers: [...task.observed.values()],
      ...stop,
    };
    for (const listener of listeners) listener(task.spec.taskArn, observation);
  }

  function setContainers(task: SimTask, lastStatus: ContainerObservation['lastStatus'], exitCode?: number): void {
    for (const c of task.containers) {
      const current = task.observed.get(c.name);
      if (current?.lastStatus === 'STOPPED') continue;
      task.observed.set(c.name, { name: c.name, lastStatus, ...(exitCode !== undefined ? { exitCode } : {}), runtimeId: `sim-${task.spec.taskId}-${c.name}` });
    }
  }

  function later(task: SimTask, ms: number, fn: () => void): void {
    const cancel = clock.setTimer(() => {
      task.timers.delete(cancel);
      fn();
    }, ms);
    task.timers.add(cancel);
  }

  function cancelAll(task: SimTask): void {
    for (const cancel of task.timers) cancel();
    task.timers.clear();
  }

  /** Runs `steps` one after another, each after its delay, unless the task is cancelled. */
  function schedule(task: SimTask, steps: [number, () => void][], sequence = task.sequence): void {
    const [first, ...rest] = steps;
    if (!first) return;
    later(task, first[0], () => {
      if (task.sequence !== sequence) return;
      first[1]();
      schedule(task, rest, sequence);
    });
  }

  function stop(task: SimTask, stopCode: StopCode, stoppedReason: string, exitCode?: number): void {
    if (task.stopping) return;
    task.stopping = true;
    task.sequence = {};
    cancelAll(task);
    const reason = { stopCode, stoppedReason };
    const wasRunning = task.status === 'RUNNING';
    const steps: [number, () => void][] = [];
    if (wasRunning) {
      steps.push([0, () => emit(task, 'DEACTIVATING', reason)]);
      steps.push([phases.deactivating, () => emit(task, 'STOPPING', reason)]);
    }
    steps.push([wasRunning ? phases.stopping : 0, () => {
      setContainers(task, 'STOPPED', exitCode);
      emit(task, 'DEPROVISIONING', reason);
    }]);
    steps.push([phases.deprovisioning, () => {
      emit(task, 'STOPPED', reason);
      tasks.delete(task.spec.taskArn);
    }]);
    schedule(task, steps);
  }

  function run(task: SimTask): void {
    emit(task, 'RUNNING');
    for (const c of task.containers) {
      if (c.exitCode === undefined) continue;
      later(task, c.exitAfterMs, () => {
        task.observed.set(c.name, { ...task.observed.get(c.name)!, lastStatus: 'STOPPED', exitCode: c.exitCode });
        if (c.essential) stop(task, 'EssentialContainerExited', 'Essential container in task exited', 0);
        else emit(task, 'RUNNING');
      });
    }
  }

  function start(spec: TaskSpec): void {
    if (tasks.has(spec.taskArn)) return;
    const containers = simulatedContainers(spec);
    const task: SimTask = { spec, status: 'PROVISIONING', containers, observed: new Map(), timers: new Set(), sequence: {}, stopping: false };
    tasks.set(spec.taskArn, task);
    setContainers(task, 'PENDING');
    const failure = containers.find((c) => c.startFailure)?.startFailure;
    schedule(task, [
      [phases.provisioning, () => emit(task, 'PENDING')],
      [phases.pending, () => (failure ? stop(task, 'TaskFailedToStart', failure) : emit(task, 'ACTIVATING'))],
      [phases.activating, () => {
        setContainers(task, 'RUNNING');
        run(task);
      }],
    ]);
  }

  return {
    name: 'simulated',
    async provisionCluster() {},
    async deprovisionCluster() {},
    async startTask(spec) {
      start(spec);
    },
    async stopTask(spec) {
      const task = tasks.get(spec.taskArn);
      if (task) stop(task, 'UserInitiated', 'Task stopped by user', 0);
      else listeners.forEach((l) => l(spec.taskArn, { lastStatus: 'STOPPED', at: clock.now() }));
    },
    observe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async reconcile(known) {
      // Nothing of a simulated task outlives the process: every known task starts over, and
      // the task machine ignores the statuses it has already passed.
      for (const spec of known) start(spec);
    },
    async close() {
      for (const task of tasks.values()) cancelAll(task);
      tasks.clear();
      listeners.clear();
    },
  };
}
