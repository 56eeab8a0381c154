import { randomBytes, randomUUID } from 'node:crypto';
import type { TaskContainer, TaskContext } from '../machines/taskMachine.ts';
import type { Tag } from '../machines/tags.ts';
import type { TaskDefinitionRecord } from '../machines/taskDefinitionFamilyMachine.ts';
import type { Partition } from './arn.ts';
import { invalidParameter } from './errors.ts';

// How RunTask turns a request and a task definition into a new task's context, with the
// checks ECS makes before it starts anything.

export interface RunTaskInput {
  cluster?: string;
  taskDefinition: string;
  count?: number;
  startedBy?: string;
  group?: string;
  launchType?: string;
  capacityProviderStrategy?: { capacityProvider: string; weight?: number; base?: number }[];
  platformVersion?: string;
  networkConfiguration?: { awsvpcConfiguration?: { subnets?: string[]; securityGroups?: string[]; assignPublicIp?: string } };
  overrides?: Record<string, unknown>;
  tags?: Tag[];
  propagateTags?: string;
  enableECSManagedTags?: boolean;
  enableExecuteCommand?: boolean;
  clientToken?: string;
  referenceId?: string;
}

export interface LaunchPlan {
  launchType: string;
  capacityProviderName?: string;
}

export const newTaskId = () => randomBytes(16).toString('hex');

export function checkCount(count: number | undefined): number {
  const n = count ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 10) throw invalidParameter('count must be between 1 and 10.');
  return n;
}

/** Launch type from the request, or the capacity provider strategy (the request's or the cluster's). */
export function planLaunch(
  input: RunTaskInput,
  clusterStrategy: { capacityProvider: string }[],
  taskDefinition: TaskDefinitionRecord,
): LaunchPlan {
  if (input.launchType && input.capacityProviderStrategy?.length) {
    throw invalidParameter('Specifying both a launch type and capacity provider strategy is not supported.');
  }
  let plan: LaunchPlan;
  if (input.launchType) plan = { launchType: input.launchType };
  else {
    const strategy = input.capacityProviderStrategy?.length ? input.capacityProviderStrategy : clusterStrategy;
    const provider = strategy[0]?.capacityProvider;
    plan = provider?.startsWith('FARGATE')
      ? { launchType: 'FARGATE', capacityProviderName: provider }
      : { launchType: 'EC2', ...(provider ? { capacityProviderName: provider } : {}) };
  }
  const compatibilities = (taskDefinition.compatibilities as string[] | undefined) ?? ['EC2'];
  if (plan.launchType !== 'EXTERNAL' && !compatibilities.includes(plan.launchType)) {
    throw invalidParameter(`Task definition does not support launch_type ${plan.launchType}.`);
  }
  if (taskDefinition.networkMode === 'awsvpc' && !input.networkConfiguration?.awsvpcConfiguration) {
    throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  if (taskDefinition.networkMode === 'awsvpc' && !input.networkConfiguration?.awsvpcConfiguration?.subnets?.length) {
    throw invalidParameter('subnets can not be empty.');
  }
  return plan;
}

function containersOf(p: Partition, clusterName: string, taskId: string, taskArn: string, td: TaskDefinitionRecord): TaskContainer[] {
  return ((td.containerDefinitions as Record<string, unknown>[]) ?? []).map((c) => ({
    containerArn: `arn:aws:ecs:${p.region}:${p.accountId}:container/${clusterName}/${taskId}/${randomUUID()}`,
    taskArn,
    name: String(c.name),
    image: String(c.image),
    lastStatus: 'PENDING' as const,
    essential: c.essential !== false,
    healthStatus: 'UNKNOWN' as const,
    cpu: String(c.cpu ?? 0),
    ...(c.memory !== undefined ? { memory: String(c.memory) } : {}),
    ...(c.memoryReservation !== undefined ? { memoryReservation: String(c.memoryReservation) } : {}),
  }));
}

function stopTimeoutOf(td: TaskDefinitionRecord): number {
  // ECS gives each container its own stopTimeout; a Pod has one grace period, so the longest wins.
  const timeouts = ((td.containerDefinitions as Record<string, unknown>[]) ?? []).map((c) => Number(c.stopTimeout ?? 30));
  return Math.max(0, ...timeouts.filter((n) => Number.isFinite(n)));
}

export interface NewTask {
  partition: Partition;
  clusterArn: string;
  clusterName: string;
  taskDefinition: TaskDefinitionRecord;
  input: RunTaskInput;
  plan: LaunchPlan;
  tags: Tag[];
  now: number;
  serviceName?: string;
  deploymentId?: string;
}

export function newTaskContext(n: NewTask): TaskContext {
  const taskId = newTaskId();
  const taskArn = `arn:aws:ecs:${n.partition.region}:${n.partition.accountId}:task/${n.clusterName}/${taskId}`;
  const td = n.taskDefinition;
  const overrides = n.input.overrides ?? {};
  return {
    taskArn,
    taskId,
    clusterArn: n.clusterArn,
    clusterName: n.clusterName,
    taskDefinitionArn: td.taskDefinitionArn,
    family: td.family,
    revision: td.revision,
    launchType: n.plan.launchType,
    ...(n.plan.capacityProviderName ? { capacityProviderName: n.plan.capacityProviderName } : {}),
    ...(n.plan.launchType === 'FARGATE' ? { platformVersion: n.input.platformVersion ?? '1.4.0' } : {}),
    ...((overrides.cpu ?? td.cpu) !== undefined ? { cpu: String(overrides.cpu ?? td.cpu) } : {}),
    ...((overrides.memory ?? td.memory) !== undefined ? { memory: String(overrides.memory ?? td.memory) } : {}),
    overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [], ...overrides },
    ...(n.input.startedBy ? { startedBy: n.input.startedBy } : {}),
    group: n.input.group ?? `family:${td.family}`,
    ...(n.serviceName ? { serviceName: n.serviceName } : {}),
    ...(n.deploymentId ? { deploymentId: n.deploymentId } : {}),
    ...(n.input.clientToken ? { clientToken: n.input.clientToken } : {}),
    ...(n.input.networkConfiguration ? { networkConfiguration: n.input.networkConfiguration } : {}),
    stopTimeout: stopTimeoutOf(td),
    enableExecuteCommand: n.input.enableExecuteCommand ?? false,
    availabilityZone: `${n.partition.region}a`,
    desiredStatus: 'RUNNING',
    version: 1,
    createdAt: n.now / 1000,
    containers: containersOf(n.partition, n.clusterName, taskId, taskArn, td),
    tags: n.tags,
  };
}
