import type { TaskContext } from '../machines/taskMachine.ts';
import { taskMachine } from '../machines/taskMachine.ts';
import type { TaskObservation, TaskStatus } from '../machines/taskObservation.ts';
import type { Tag } from '../machines/tags.ts';
import type { TaskSpec } from '../kubernetes/runtime.ts';
import { isArn, ownArn } from './arn.ts';
import type { Clusters } from './clusters.ts';
import type { ActorDeps } from './deps.ts';
import { invalidParameter } from './errors.ts';
import { paginate, type Page, type PageRequest } from './pagination.ts';
import type { ActorEntry } from './registry.ts';
import { checkCount, newTaskContext, planLaunch, type RunTaskInput } from './taskLaunch.ts';
import type { TaskDefinitions } from './taskDefinitions.ts';
import { validateTags } from './tags.ts';

export const TASK_KIND = 'task';
type TaskEntry = ActorEntry<typeof taskMachine>;

export interface TaskView extends TaskContext {
  lastStatus: TaskStatus;
}

export interface ListTasksInput extends PageRequest {
  cluster?: string;
  family?: string;
  serviceName?: string;
  startedBy?: string;
  containerInstance?: string;
  launchType?: string;
  desiredStatus?: 'RUNNING' | 'PENDING' | 'STOPPED';
}

const PENDING: ReadonlySet<TaskStatus> = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);

export function viewOfTask(entry: TaskEntry): TaskView {
  const snapshot = entry.actor.getSnapshot();
  return { ...snapshot.context, lastStatus: snapshot.value as TaskStatus };
}

const specOf = (c: TaskContext, taskDefinition: Record<string, unknown>): TaskSpec => ({
  taskArn: c.taskArn,
  taskId: c.taskId,
  clusterName: c.clusterName,
  taskDefinition,
  overrides: c.overrides,
  startedBy: c.startedBy,
  group: c.group,
  serviceName: c.serviceName,
  deploymentId: c.deploymentId,
});

export interface TaskOptions {
  /** How long a STOPPED task stays describable before it is reaped. */
  stoppedRetentionMs: number;
}

/** The task actors, indexed by ARN and by cluster, and the commands on them. */
export class Tasks {
  private readonly byArn = new Map<string, TaskEntry>();
  private readonly byCluster = new Map<string, Set<TaskEntry>>();
  private readonly byClientToken = new Map<string, string[]>();
  private stopReaper: () => void = () => {};

  constructor(
    private readonly deps: ActorDeps,
    private readonly clusters: Clusters,
    private readonly taskDefinitions: TaskDefinitions,
    private readonly options: TaskOptions,
  ) {
    deps.runtime.observe((taskArn, observation) => this.observed(taskArn, observation));
    this.scheduleReap();
  }

  private observed(taskArn: string, observation: TaskObservation): void {
    const entry = this.byArn.get(taskArn);
    if (!entry) return;
    entry.actor.send({ type: 'runtime.observed', observation });
  }

  private track(entry: TaskEntry): void {
    const c = entry.actor.getSnapshot().context;
    this.byArn.set(c.taskArn, entry);
    let set = this.byCluster.get(c.clusterName);
    if (!set) this.byCluster.set(c.clusterName, (set = new Set()));
    set.add(entry);
    if (c.clientToken) {
      const key = `${c.clusterName}/${c.clientToken}`;
      this.byClientToken.set(key, [...(this.byClientToken.get(key) ?? []), c.taskArn]);
    }
  }

  restore(arn: string, snapshot: unknown): void {
    this.track(this.deps.host.start(TASK_KIND, arn, taskMachine, { snapshot }));
  }

  /** After a restart: the runtime adopts what still runs and reports what vanished. */
  async reconcile(): Promise<void> {
    const live = [...this.byArn.values()].map(viewOfTask).filter((t) => t.lastStatus !== 'STOPPED');
    await this.deps.runtime.reconcile(live.map((t) => this.spec(t)));
    for (const t of live) {
      if (t.desiredStatus === 'STOPPED') await this.deps.runtime.stopTask(this.spec(t), t.stopTimeout);
    }
  }

  private spec(c: TaskContext): TaskSpec {
    const revision = this.taskDefinitions.find(c.taskDefinitionArn);
    return specOf(c, revision?.taskDefinition ?? { family: c.family, revision: c.revision, containerDefinitions: [] });
  }

  /** Counts for a cluster's `runningTasksCount` and `pendingTasksCount`, derived from the tasks. */
  counts(clusterName: string): { running: number; pending: number; active: number } {
    let running = 0;
    let pending = 0;
    let active = 0;
    for (const entry of this.byCluster.get(clusterName) ?? []) {
      const status = entry.actor.getSnapshot().value as TaskStatus;
      if (status === 'RUNNING') running++;
      else if (PENDING.has(status)) pending++;
      if (status !== 'STOPPED') active++;
    }
    return { running, pending, active };
  }

  async run(input: RunTaskInput, extra: { serviceName?: string; deploymentId?: string } = {}): Promise<TaskView[]> {
    const cluster = this.clusters.active(input.cluster);
    const { clusterName, clusterArn, defaultCapacityProviderStrategy } = cluster.actor.getSnapshot().context;
    const count = checkCount(input.count);
    if (input.clientToken) {
      const earlier = this.byClientToken.get(`${clusterName}/${input.clientToken}`);
      if (earlier) return earlier.map((arn) => viewOfTask(this.byArn.get(arn)!));
    }
    const revision = this.taskDefinitions.describe(input.taskDefinition);
    if (revision.taskDefinition.status !== 'ACTIVE') throw invalidParameter('TaskDefinition is inactive');
    const plan = planLaunch(input, defaultCapacityProviderStrategy, revision.taskDefinition);
    let tags = validateTags(input.tags);
    if (input.propagateTags === 'TASK_DEFINITION') tags = validateTags([...revision.tags, ...tags]);
    if (input.enableECSManagedTags) tags = [...tags, { key: 'aws:ecs:clusterName', value: clusterName }];

    const entries: TaskEntry[] = [];
    for (let i = 0; i < count; i++) {
      const context = newTaskContext({
        partition: this.deps.partition,
        clusterArn,
        clusterName,
        taskDefinition: revision.taskDefinition,
        input,
        plan,
        tags,
        now: this.deps.clock.now(),
        ...extra,
      });
      const entry = this.deps.host.start(TASK_KIND, context.taskArn, taskMachine, { input: context });
      this.track(entry);
      entries.push(entry);
    }
    await Promise.all(entries.map((e) => e.lastWrite));
    const views = entries.map(viewOfTask);
    for (const view of views) this.start(view, revision.taskDefinition);
    return views;
  }

  /** Hands the task to the runtime; a runtime that cannot start it reports why. */
  private start(view: TaskView, taskDefinition: Record<string, unknown>): void {
    this.deps.runtime.startTask(specOf(view, taskDefinition)).catch((err: unknown) => {
      this.deps.logger.error({ err, taskArn: view.taskArn }, 'runtime could not start the task');
      this.observed(view.taskArn, {
        lastStatus: 'STOPPED',
        at: this.deps.clock.now(),
        stopCode: 'TaskFailedToStart',
        stoppedReason: `ResourceInitializationError: ${(err as Error).message ?? String(err)}`,
      });
    });
  }

  /** A task of a cluster, by ARN or id. */
  find(clusterRef: string | undefined, taskRef: string): TaskEntry | undefined {
    const clusterName = this.clusters.nameOf(clusterRef);
    let taskId = taskRef;
    if (isArn(taskRef)) {
      const parsed = ownArn(this.deps.partition, taskRef, 'task');
      if (!parsed) return undefined;
      const [cluster, id] = parsed.resource.split('/');
      if (id === undefined || cluster !== clusterName) return undefined;
      taskId = id;
    }
    const arn = `arn:aws:ecs:${this.deps.partition.region}:${this.deps.partition.accountId}:task/${clusterName}/${taskId}`;
    return this.byArn.get(arn);
  }

  async stop(clusterRef: string | undefined, taskRef: string, reason?: string): Promise<TaskView> {
    this.clusters.active(clusterRef);
    const entry = this.find(clusterRef, taskRef);
    if (!entry) throw invalidParameter('The referenced task was not found.');
    entry.actor.send({
      type: 'ecs.stopTask',
      stopCode: 'UserInitiated',
      reason: reason ?? 'Task stopped by user',
      at: this.deps.clock.now(),
    });
    await entry.lastWrite;
    const view = viewOfTask(entry);
    if (view.lastStatus !== 'STOPPED') {
      this.deps.runtime.stopTask(this.spec(view), view.stopTimeout).catch((err: unknown) => {
        this.deps.logger.error({ err, taskArn: view.taskArn }, 'runtime could not stop the task');
      });
    }
    return view;
  }

  describe(clusterRef: string | undefined, refs: string[]): { found: TaskView[]; missing: string[] } {
    this.clusters.existing(clusterRef);
    if (refs.length > 100) throw invalidParameter('The number of tasks to describe must be 100 or fewer.');
    const found: TaskView[] = [];
    const missing: string[] = [];
    for (const ref of refs) {
      const entry = this.find(clusterRef, ref);
      if (entry) found.push(viewOfTask(entry));
      else missing.push(ref);
    }
    return { found, missing };
  }

  list(input: ListTasksInput): Page<string> {
    const cluster = this.clusters.existing(input.cluster);
    const clusterName = cluster.actor.getSnapshot().context.clusterName;
    if (input.startedBy !== undefined && (input.family || input.serviceName || input.containerInstance || input.launchType)) {
      throw invalidParameter('startedBy cannot be combined with the family, serviceName, containerInstance or launchType filters.');
    }
    if (input.containerInstance !== undefined) return paginate([], (s: string) => s, input, 100);
    const desired = input.desiredStatus ?? 'RUNNING';
    const tasks = [...(this.byCluster.get(clusterName) ?? [])]
      .map((e) => e.actor.getSnapshot().context)
      .filter((c) => (desired === 'PENDING' ? false : c.desiredStatus === desired))
      .filter((c) => input.family === undefined || c.family === input.family)
      .filter((c) => input.serviceName === undefined || c.group === `service:${input.serviceName}`)
      .filter((c) => input.startedBy === undefined || c.startedBy === input.startedBy)
      .filter((c) => input.launchType === undefined || c.launchType === input.launchType)
      .sort((a, b) => (a.taskId < b.taskId ? -1 : 1));
    const page = paginate(tasks, (c) => c.taskId, input, 100);
    return { ...page, items: page.items.map((c) => c.taskArn) };
  }

  /** For tagging: the task an ARN names. */
  tagTarget(arn: string): TaskEntry | undefined {
    const parsed = ownArn(this.deps.partition, arn, 'task');
    return parsed ? this.byArn.get(arn) : undefined;
  }

  tagsOf(entry: TaskEntry): Tag[] {
    return entry.actor.getSnapshot().context.tags;
  }

  private scheduleReap(): void {
    const every = Math.max(10, Math.min(60_000, this.options.stoppedRetentionMs / 4));
    this.stopReaper = this.deps.clock.setTimer(() => {
      void this.reap().finally(() => this.scheduleReap());
    }, every);
  }

  /** Forgets tasks that have been STOPPED for longer than the retention, in memory and on disk. */
  async reap(): Promise<number> {
    const cutoff = (this.deps.clock.now() - this.options.stoppedRetentionMs) / 1000;
    const removals: Promise<void>[] = [];
    for (const [arn, entry] of this.byArn) {
      const { value, context } = entry.actor.getSnapshot();
      if (value !== 'STOPPED' || (context.stoppedAt ?? Infinity) > cutoff) continue;
      entry.actor.stop();
      this.byArn.delete(arn);
      this.byCluster.get(context.clusterName)?.delete(entry);
      if (context.clientToken) this.byClientToken.delete(`${context.clusterName}/${context.clientToken}`);
      removals.push(this.deps.host.forget(entry));
    }
    await Promise.all(removals);
    return removals.length;
  }

  close(): void {
    this.stopReaper();
  }
}
