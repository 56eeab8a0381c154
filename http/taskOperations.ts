import type { TaskView } from '../actors/tasks.ts';
import type { TaskContainer } from '../machines/taskMachine.ts';
import type { OperationTable } from './operation.ts';

const withToken = (nextToken: string | undefined) => (nextToken ? { nextToken } : {});

function containerShape(c: TaskContainer) {
  const { essential: _essential, ...shape } = c;
  return { ...shape, networkBindings: [], networkInterfaces: [] };
}

/** The task's health, as ECS derives it from its essential containers. */
function healthOf(t: TaskView): string {
  const essential = t.containers.filter((c) => c.essential);
  if (essential.some((c) => c.healthStatus === 'UNHEALTHY')) return 'UNHEALTHY';
  if (essential.length > 0 && essential.every((c) => c.healthStatus === 'HEALTHY')) return 'HEALTHY';
  return 'UNKNOWN';
}

/** An awsvpc task's elastic network interface, whose status follows the task's. */
function attachmentsOf(t: TaskView) {
  const vpc = (t.networkConfiguration as { awsvpcConfiguration?: { subnets?: string[] } } | undefined)?.awsvpcConfiguration;
  if (!vpc) return [];
  const status = t.lastStatus === 'STOPPED' ? 'DELETED' : t.startedAt !== undefined ? 'ATTACHED' : 'PRECREATED';
  const eni = `eni-${t.taskId.slice(0, 17)}`;
  return [
    {
      id: `${t.taskId.slice(0, 8)}-${t.taskId.slice(8, 12)}-${t.taskId.slice(12, 16)}-${t.taskId.slice(16, 20)}-${t.taskId.slice(20)}`,
      type: 'ElasticNetworkInterface',
      status,
      details: [
        { name: 'subnetId', value: vpc.subnets?.[0] ?? '' },
        { name: 'networkInterfaceId', value: eni },
        { name: 'macAddress', value: `0a:${t.taskId.slice(0, 10).match(/../g)!.join(':')}` },
        { name: 'privateIPv4Address', value: `10.0.${parseInt(t.taskId.slice(0, 2), 16)}.${parseInt(t.taskId.slice(2, 4), 16)}` },
      ],
    },
  ];
}

export function taskShape(t: TaskView, includeTags = true) {
  const {
    taskId: _taskId,
    clusterName: _clusterName,
    family: _family,
    revision: _revision,
    serviceName: _serviceName,
    deploymentId: _deploymentId,
    clientToken: _clientToken,
    networkConfiguration: _networkConfiguration,
    stopTimeout: _stopTimeout,
    containers,
    tags,
    ...fields
  } = t;
  return {
    ...fields,
    attachments: attachmentsOf(t),
    containers: containers.map(containerShape),
    healthStatus: healthOf(t),
    ...(t.lastStatus === 'RUNNING' ? { connectivity: 'CONNECTED' } : {}),
    tags: includeTags ? tags : [],
  };
}

export const taskOperations: OperationTable = {
  async RunTask(input, { tasks }) {
    return { tasks: (await tasks.run(input)).map((t) => taskShape(t)), failures: [] };
  },

  StartTask(input, { clusters, taskDefinitions }) {
    // Tasks are placed by StartTask on container instances, and KECS registers none.
    clusters.active(input.cluster);
    taskDefinitions.describe(input.taskDefinition);
    return { tasks: [], failures: input.containerInstances.map((arn: string) => ({ arn, reason: 'MISSING' })) };
  },

  async StopTask(input, { tasks }) {
    return { task: taskShape(await tasks.stop(input.cluster, input.task, input.reason)) };
  },

  DescribeTasks(input, { tasks }) {
    const includeTags = (input.include ?? []).includes('TAGS');
    const { found, missing } = tasks.describe(input.cluster, input.tasks);
    return {
      tasks: found.map((t) => taskShape(t, includeTags)),
      failures: missing.map((arn) => ({ arn, reason: 'MISSING' })),
    };
  },

  ListTasks(input, { tasks }) {
    const page = tasks.list(input);
    return { taskArns: page.items, ...withToken(page.nextToken) };
  },
};
