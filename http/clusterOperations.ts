import type { ClusterView } from '../actors/clusters.ts';
import type { OperationTable } from './operation.ts';

const STATISTICS = [
  'runningEC2TasksCount',
  'runningFargateTasksCount',
  'pendingEC2TasksCount',
  'pendingFargateTasksCount',
  'activeEC2ServiceCount',
  'activeFargateServiceCount',
  'drainingEC2ServiceCount',
  'drainingFargateServiceCount',
];

/** The Cluster shape; Describe leaves out what `include` did not ask for, as ECS does. */
function clusterShape(v: ClusterView, include?: Set<string>) {
  const all = include === undefined;
  return {
    clusterArn: v.clusterArn,
    clusterName: v.clusterName,
    status: v.status,
    registeredContainerInstancesCount: v.registeredContainerInstancesCount,
    runningTasksCount: v.runningTasksCount,
    pendingTasksCount: v.pendingTasksCount,
    activeServicesCount: v.activeServicesCount,
    statistics: include?.has('STATISTICS') ? STATISTICS.map((name) => ({ name, value: '0' })) : [],
    tags: all || include.has('TAGS') ? v.tags : [],
    ...(all || include.has('SETTINGS') ? { settings: v.settings } : {}),
    ...((all || include.has('CONFIGURATIONS')) && v.configuration ? { configuration: v.configuration } : {}),
    capacityProviders: v.capacityProviders,
    defaultCapacityProviderStrategy: v.defaultCapacityProviderStrategy,
    ...(v.serviceConnectDefaults ? { serviceConnectDefaults: v.serviceConnectDefaults } : {}),
  };
}

export const clusterOperations: OperationTable = {
  async CreateCluster(input, { clusters }) {
    return { cluster: clusterShape(await clusters.create(input)) };
  },

  DescribeClusters(input, { clusters }) {
    const include = new Set<string>(input.include ?? []);
    const { found, missing } = clusters.describe(input.clusters);
    return {
      clusters: found.map((c) => clusterShape(c, include)),
      failures: missing.map((arn) => ({ arn, reason: 'MISSING' })),
    };
  },

  ListClusters(input, { clusters }) {
    const page = clusters.list(input);
    return { clusterArns: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  },

  async DeleteCluster(input, system) {
    return { cluster: clusterShape(await system.clusters.delete(input.cluster)) };
  },

  async UpdateCluster(input, { clusters }) {
    const { cluster, settings, configuration, serviceConnectDefaults } = input;
    return { cluster: clusterShape(await clusters.update(cluster, { settings, configuration, serviceConnectDefaults })) };
  },

  async UpdateClusterSettings(input, { clusters }) {
    return { cluster: clusterShape(await clusters.updateSettings(input.cluster, input.settings)) };
  },

  async PutClusterCapacityProviders(input, { clusters }) {
    const view = await clusters.putCapacityProviders(input.cluster, input.capacityProviders, input.defaultCapacityProviderStrategy);
    return { cluster: clusterShape(view) };
  },
};
