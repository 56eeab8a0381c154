import { assign, setup } from 'xstate';
import { mergeTags, removeTags, type Tag } from './tags.ts';
import {
  TASK_STATUSES,
  type ContainerObservation,
  type HealthStatus,
  type StopCode,
  type TaskObservation,
  type TaskStatus,
} from './taskObservation.ts';

export interface TaskContainer {
  containerArn: string;
  taskArn: string;
  name: string;
  image: string;
  lastStatus: 'PENDING' | 'RUNNING' | 'STOPPED';
  essential: boolean;
  exitCode?: number;
  reason?: string;
  healthStatus: HealthStatus;
  runtimeId?: string;
  cpu: string;
  memory?: string;
  memoryReservation?: string;
}

/** A task as the actor keeps it; `lastStatus` is the machine's state, not a field. */
export interface TaskContext {
  taskArn: string;
  taskId: string;
  clusterArn: string;
  clusterName: string;
  taskDefinitionArn: string;
  family: string;
  revision: number;
  launchType: string;
  capacityProviderName?: string;
  platformVersion?: string;
  cpu?: string;
  memory?: string;
  overrides: Record<string, unknown>;
  startedBy?: string;
  group: string;
  serviceName?: string;
  deploymentId?: string;
  clientToken?: string;
  networkConfiguration?: Record<string, unknown>;
  /** Seconds the containers get between SIGTERM and SIGKILL. */
  stopTimeout: number;
  enableExecuteCommand: boolean;
  availabilityZone: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
  version: number;
  createdAt: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  connectivityAt?: number;
  stoppingAt?: number;
  executionStoppedAt?: number;
  stoppedAt?: number;
  stopCode?: StopCode;
  stoppedReason?: string;
  containers: TaskContainer[];
  tags: Tag[];
}

export type TaskEvent =
  | { type: 'runtime.observed'; observation: TaskObservation }
  | { type: 'ecs.stopTask'; stopCode: StopCode; reason: string; at: number }
  | { type: 'ecs.tagResource'; tags: Tag[] }
  | { type: 'ecs.untagResource'; tagKeys: string[] };

const seconds = (ms: number) => ms / 1000;

function mergeContainers(current: TaskContainer[], observed: ContainerObservation[] | undefined): TaskContainer[] {
  if (!observed) return current;
  const byName = new Map(observed.map((c) => [c.name, c]));
  return current.map((c) => {
    const o = byName.get(c.name);
    if (!o) return c;
    return {
      ...c,
      lastStatus: o.lastStatus,
      ...(o.exitCode !== undefined ? { exitCode: o.exitCode } : {}),
      ...(o.reason !== undefined ? { reason: o.reason } : {}),
      ...(o.runtimeId !== undefined ? { runtimeId: o.runtimeId } : {}),
      healthStatus: o.healthStatus ?? c.healthStatus,
    };
  });
}

/** The timestamps ECS sets when a task first reaches each status. */
function timestampsFor(context: TaskContext, status: TaskStatus, at: number): Partial<TaskContext> {
  const rank = TASK_STATUSES.indexOf(status);
  const reached = (s: TaskStatus) => rank >= TASK_STATUSES.indexOf(s);
  const t = seconds(at);
  const patch: Partial<TaskContext> = {};
  if (reached('PENDING') && context.pullStartedAt === undefined && status !== 'STOPPED') patch.pullStartedAt = t;
  if (reached('ACTIVATING') && context.pullStoppedAt === undefined && context.pullStartedAt !== undefined) patch.pullStoppedAt = t;
  if (status === 'RUNNING' && context.startedAt === undefined) {
    patch.startedAt = t;
    patch.connectivityAt = t;
  }
  if (reached('DEACTIVATING') && context.stoppingAt === undefined) patch.stoppingAt = t;
  if (reached('DEPROVISIONING') && context.executionStoppedAt === undefined) patch.executionStoppedAt = t;
  if (status === 'STOPPED') patch.stoppedAt = t;
  return patch;
}

const observedTransitions = (from: number) => [
  ...TASK_STATUSES.slice(from + 1).map((status) => ({
    guard: { type: 'isObserved' as const, params: { status } },
    target: status,
    actions: { type: 'recordTransition' as const, params: { status } },
  })),
  // The same or an earlier status: stale for the status, but container details may be news.
  { actions: 'recordContainers' as const },
];

export const taskMachine = setup({
  types: {
    context: {} as TaskContext,
    events: {} as TaskEvent,
    input: {} as TaskContext,
  },
  guards: {
    isObserved: ({ event }, params: { status: TaskStatus }) =>
      event.type === 'runtime.observed' && event.observation.lastStatus === params.status,
  },
  actions: {
    recordTransition: assign(({ context, event }, params: { status: TaskStatus }) => {
      if (event.type !== 'runtime.observed') return {};
      const o = event.observation;
      const stopping = TASK_STATUSES.indexOf(params.status) >= TASK_STATUSES.indexOf('DEACTIVATING');
      return {
        ...timestampsFor(context, params.status, o.at),
        version: context.version + 1,
        containers: mergeContainers(context.containers, o.containers),
        // A user's stop request keeps its code and reason; the runtime's explains its own stops.
        ...(stopping ? { desiredStatus: 'STOPPED' as const } : {}),
        ...(o.stopCode && !context.stopCode ? { stopCode: o.stopCode, stoppedReason: o.stoppedReason } : {}),
      };
    }),
    recordContainers: assign(({ context, event }) =>
      event.type === 'runtime.observed' ? { containers: mergeContainers(context.containers, event.observation.containers) } : {},
    ),
    recordStopRequest: assign(({ context, event }) => {
      if (event.type !== 'ecs.stopTask' || context.desiredStatus === 'STOPPED') return {};
      return {
        desiredStatus: 'STOPPED' as const,
        stopCode: event.stopCode,
        stoppedReason: event.reason,
        stoppingAt: seconds(event.at),
        version: context.version + 1,
      };
    }),
    addTags: assign(({ context, event }) => (event.type === 'ecs.tagResource' ? { tags: mergeTags(context.tags, event.tags) } : {})),
    removeTags: assign(({ context, event }) =>
      event.type === 'ecs.untagResource' ? { tags: removeTags(context.tags, event.tagKeys) } : {},
    ),
  },
}).createMachine({
  id: 'task',
  context: ({ input }) => input,
  initial: 'PROVISIONING',
  on: {
    'ecs.tagResource': { actions: 'addTags' },
    'ecs.untagResource': { actions: 'removeTags' },
  },
  // Every status moves forward only, on what the runtime observed; a task may skip states
  // (a start failure goes from PENDING straight to STOPPED).
  states: {
    PROVISIONING: { on: { 'runtime.observed': observedTransitions(0), 'ecs.stopTask': { actions: 'recordStopRequest' } } },
    PENDING: { on: { 'runtime.observed': observedTransitions(1), 'ecs.stopTask': { actions: 'recordStopRequest' } } },
    ACTIVATING: { on: { 'runtime.observed': observedTransitions(2), 'ecs.stopTask': { actions: 'recordStopRequest' } } },
    RUNNING: { on: { 'runtime.observed': observedTransitions(3), 'ecs.stopTask': { actions: 'recordStopRequest' } } },
    DEACTIVATING: { on: { 'runtime.observed': observedTransitions(4) } },
    STOPPING: { on: { 'runtime.observed': observedTransitions(5) } },
    DEPROVISIONING: { on: { 'runtime.observed': observedTransitions(6) } },
    STOPPED: {},
  },
});
