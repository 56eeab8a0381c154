import test from 'ava';
import {
  ClusterNotFoundException,
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  InvalidParameterException,
  ListClustersCommand,
  PutClusterCapacityProvidersCommand,
  UpdateClusterCommand,
  UpdateClusterSettingsCommand,
} from '@aws-sdk/client-ecs';
import { startServer, type TestServer } from './helpers/server.ts';

const ARN = 'arn:aws:ecs:us-east-1:000000000000:cluster/';

const withServer = (fn: (s: TestServer, t: import('ava').ExecutionContext) => Promise<void>) => async (t: import('ava').ExecutionContext) => {
  const s = await startServer();
  try {
    await fn(s, t);
  } finally {
    await s.close();
  }
};

test('CreateCluster returns an ACTIVE cluster with its ARN, settings and tags', withServer(async (s, t) => {
  const { cluster } = await s.ecs.send(new CreateClusterCommand({
    clusterName: 'prod',
    tags: [{ key: 'team', value: 'core' }],
    settings: [{ name: 'containerInsights', value: 'enabled' }],
  }));
  t.is(cluster?.clusterArn, `${ARN}prod`);
  t.is(cluster?.clusterName, 'prod');
  t.is(cluster?.status, 'ACTIVE');
  t.is(cluster?.runningTasksCount, 0);
  t.is(cluster?.activeServicesCount, 0);
  t.deepEqual(cluster?.tags, [{ key: 'team', value: 'core' }]);
  t.deepEqual(cluster?.settings, [{ name: 'containerInsights', value: 'enabled' }]);
}));

test('CreateCluster without a name creates the cluster named default', withServer(async (s, t) => {
  const { cluster } = await s.ecs.send(new CreateClusterCommand({}));
  t.is(cluster?.clusterName, 'default');
  const described = await s.ecs.send(new DescribeClustersCommand({}));
  t.is(described.clusters?.[0].clusterArn, `${ARN}default`);
}));

test('CreateCluster is idempotent by name', withServer(async (s, t) => {
  const first = await s.ecs.send(new CreateClusterCommand({ clusterName: 'same', tags: [{ key: 'a', value: '1' }] }));
  const second = await s.ecs.send(new CreateClusterCommand({ clusterName: 'same' }));
  t.is(second.cluster?.clusterArn, first.cluster?.clusterArn);
  t.deepEqual(second.cluster?.tags, [{ key: 'a', value: '1' }]);
  const listed = await s.ecs.send(new ListClustersCommand({}));
  t.deepEqual(listed.clusterArns, [`${ARN}same`]);
}));

test('CreateCluster rejects an invalid name and creates nothing', withServer(async (s, t) => {
  for (const clusterName of ['bad name', 'x'.repeat(256), 'dots.are.bad']) {
    const err = await t.throwsAsync(s.ecs.send(new CreateClusterCommand({ clusterName })));
    t.true(err instanceof InvalidParameterException, clusterName);
  }
  t.deepEqual((await s.ecs.send(new ListClustersCommand({}))).clusterArns, []);
}));

test('DescribeClusters reports missing clusters as failures, by name and by ARN', withServer(async (s, t) => {
  await s.ecs.send(new CreateClusterCommand({ clusterName: 'here' }));
  const r = await s.ecs.send(new DescribeClustersCommand({ clusters: ['here', `${ARN}here`, 'gone', `${ARN}also-gone`] }));
  t.deepEqual(r.clusters?.map((c) => c.clusterName), ['here', 'here']);
  t.deepEqual(r.failures, [
    { arn: `${ARN}gone`, reason: 'MISSING' },
    { arn: `${ARN}also-gone`, reason: 'MISSING' },
  ]);
}));

test('DescribeClusters returns tags, settings, configuration and statistics only when included', withServer(async (s, t) => {
  await s.ecs.send(new CreateClusterCommand({
    clusterName: 'c',
    tags: [{ key: 'k', value: 'v' }],
    configuration: { executeCommandConfiguration: { logging: 'DEFAULT' } },
  }));
  const plain = (await s.ecs.send(new DescribeClustersCommand({ clusters: ['c'] }))).clusters![0];
  t.deepEqual(plain.tags, []);
  t.is(plain.settings, undefined);
  t.is(plain.configuration, undefined);
  t.deepEqual(plain.statistics, []);
  const full = (await s.ecs.send(new DescribeClustersCommand({
    clusters: ['c'],
    include: ['TAGS', 'SETTINGS', 'CONFIGURATIONS', 'STATISTICS'],
  }))).clusters![0];
  t.deepEqual(full.tags, [{ key: 'k', value: 'v' }]);
  t.deepEqual(full.settings, [{ name: 'containerInsights', value: 'disabled' }]);
  t.deepEqual(full.configuration, { executeCommandConfiguration: { logging: 'DEFAULT' } });
  t.true(full.statistics!.some((st) => st.name === 'runningFargateTasksCount' && st.value === '0'));
}));

test('DeleteCluster makes the cluster INACTIVE: still describable, no longer listed', withServer(async (s, t) => {
  await s.ecs.send(new CreateClusterCommand({ clusterName: 'old' }));
  const { cluster } = await s.ecs.send(new DeleteClusterCommand({ cluster: 'old' }));
  t.is(cluster?.status, 'INACTIVE');
  const described = await s.ecs.send(new DescribeClustersCommand({ clusters: ['old'] }));
  t.is(described.clusters?.[0].status, 'INACTIVE');
  t.deepEqual(described.failures, []);
  t.deepEqual((await s.ecs.send(new ListClustersCommand({}))).clusterArns, []);
  const again = await t.throwsAsync(s.ecs.send(new DeleteClusterCommand({ cluster: 'old' })));
  t.true(again instanceof ClusterNotFoundException);
}));

test('CreateCluster brings an INACTIVE cluster back with the new spec', withServer(async (s, t) => {
  await s.ecs.send(new CreateClusterCommand({ clusterName: 'phoenix', tags: [{ key: 'gen', value: '1' }] }));
  await s.ecs.send(new DeleteClusterCommand({ cluster: 'phoenix' }));
  const { cluster } = await s.ecs.send(new CreateClusterCommand({ clusterName: 'phoenix', tags: [{ key: 'gen', value: '2' }] }));
  t.is(cluster?.status, 'ACTIVE');
  t.deepEqual(cluster?.tags, [{ key: 'gen', value: '2' }]);
}));

test('operations on a missing cluster fail with ClusterNotFoundException', withServer(async (s, t) => {
  const calls = [
    new DeleteClusterCommand({ cluster: 'nope' }),
    new UpdateClusterCommand({ cluster: 'nope', settings: [{ name: 'containerInsights', value: 'enabled' }] }),
    new UpdateClusterSettingsCommand({ cluster: 'nope', settings: [{ name: 'containerInsights', value: 'enabled' }] }),
    new PutClusterCapacityProvidersCommand({ cluster: 'nope', capacityProviders: [], defaultCapacityProviderStrategy: [] }),
  ];
  for (const call of calls) {
    const err = await t.throwsAsync(s.ecs.send(call as never));
    t.true(err instanceof ClusterNotFoundException, call.constructor.name);
    t.is(err?.message, 'Cluster not found.');
  }
}));

test('UpdateCluster and UpdateClusterSettings change settings and configuration', withServer(async (s, t) => {
  await s.ecs.send(new CreateClusterCommand({ clusterName: 'u' }));
  const updated = await s.ecs.send(new UpdateClusterSettingsCommand({
    cluster: `${ARN}u`,
    settings: [{ name: 'containerInsights', value: 'enhanced' }],
  }));
  t.deepEqual(updated.cluster?.settings, [{ name: 'containerInsights', value: 'enhanced' }]);
  const configured = await s.ecs.send(new UpdateClusterCommand({
    cluster: 'u',
    configuration: { executeCommandConfiguration: { logging: 'NONE' } },
  }));
  t.deepEqual(configured.cluster?.configuration, { executeCommandConfiguration: { logging: 'NONE' } });
  t.deepEqual(configured.cluster?.settings, [{ name: 'containerInsights', value: 'enhanced' }]);
  const bad = await t.throwsAsync(s.ecs.send(new UpdateClusterSettingsCommand({
    cluster: 'u',
    settings: [{ name: 'containerInsights', value: 'sometimes' }],
  })));
  t.true(bad instanceof InvalidParameterException);
}));

test('PutClusterCapacityProviders stores FARGATE providers and a strategy', withServer(async (s, t) => {
  await s.ecs.send(new CreateClusterCommand({ clusterName: 'cp' }));
  const { cluster } = await s.ecs.send(new PutClusterCapacityProvidersCommand({
    cluster: 'cp',
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }],
  }));
  t.deepEqual(cluster?.capacityProviders, ['FARGATE', 'FARGATE_SPOT']);
  t.deepEqual(cluster?.defaultCapacityProviderStrategy, [
    { capacityProvider: 'FARGATE', weight: 1, base: 1 },
    { capacityProvider: 'FARGATE_SPOT', weight: 3 },
  ]);
  const described = (await s.ecs.send(new DescribeClustersCommand({ clusters: ['cp'] }))).clusters![0];
  t.deepEqual(described.capacityProviders, ['FARGATE', 'FARGATE_SPOT']);

  const unknown = await t.throwsAsync(s.ecs.send(new PutClusterCapacityProvidersCommand({
    cluster: 'cp', capacityProviders: ['MY_ASG'], defaultCapacityProviderStrategy: [],
  })));
  t.true(unknown instanceof InvalidParameterException);
  const unassociated = await t.throwsAsync(s.ecs.send(new PutClusterCapacityProvidersCommand({
    cluster: 'cp', capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }],
  })));
  t.true(unassociated instanceof InvalidParameterException);
  const after = (await s.ecs.send(new DescribeClustersCommand({ clusters: ['cp'] }))).clusters![0];
  t.deepEqual(after.capacityProviders, ['FARGATE', 'FARGATE_SPOT'], 'a rejected change leaves the cluster as it was');
}));

test('ListClusters pages through every cluster with opaque tokens', withServer(async (s, t) => {
  const names = Array.from({ length: 23 }, (_, i) => `c${String(i).padStart(2, '0')}`);
  await Promise.all(names.map((clusterName) => s.ecs.send(new CreateClusterCommand({ clusterName }))));
  const seen: string[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await s.ecs.send(new ListClustersCommand({ maxResults: 10, nextToken }));
    seen.push(...page.clusterArns!);
    nextToken = page.nextToken;
    pages++;
    if (pages === 1) await s.ecs.send(new CreateClusterCommand({ clusterName: 'c99' }));
  } while (nextToken);
  t.is(pages, 3);
  t.deepEqual(seen, [...names, 'c99'].map((n) => `${ARN}${n}`));
  const bad = await t.throwsAsync(s.ecs.send(new ListClustersCommand({ nextToken: 'not-a-token' })));
  t.true(bad instanceof InvalidParameterException);
}));
