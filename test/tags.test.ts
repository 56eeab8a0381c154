import test from 'ava';
import {
  ClusterNotFoundException,
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  InvalidParameterException,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecs';
import { startServer } from './helpers/server.ts';

const ARN = 'arn:aws:ecs:us-east-1:000000000000:cluster/tagged';

test('TagResource, UntagResource and ListTagsForResource on a cluster', async (t) => {
  const s = await startServer();
  t.teardown(() => s.close());
  await s.ecs.send(new CreateClusterCommand({ clusterName: 'tagged', tags: [{ key: 'a', value: '1' }] }));
  await s.ecs.send(new TagResourceCommand({ resourceArn: ARN, tags: [{ key: 'a', value: '2' }, { key: 'b', value: '' }] }));
  t.deepEqual((await s.ecs.send(new ListTagsForResourceCommand({ resourceArn: ARN }))).tags, [
    { key: 'a', value: '2' },
    { key: 'b', value: '' },
  ]);
  await s.ecs.send(new UntagResourceCommand({ resourceArn: ARN, tagKeys: ['a'] }));
  const described = await s.ecs.send(new DescribeClustersCommand({ clusters: ['tagged'], include: ['TAGS'] }));
  t.deepEqual(described.clusters?.[0].tags, [{ key: 'b', value: '' }]);
});

test('tag limits: 50 per resource counting existing tags, and aws: is reserved', async (t) => {
  const s = await startServer();
  t.teardown(() => s.close());
  const tags = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: 'v' }));
  await s.ecs.send(new CreateClusterCommand({ clusterName: 'tagged', tags: tags(30, 'first') }));
  const tooMany = await t.throwsAsync(s.ecs.send(new TagResourceCommand({ resourceArn: ARN, tags: tags(21, 'second') })));
  t.true(tooMany instanceof InvalidParameterException);
  await s.ecs.send(new TagResourceCommand({ resourceArn: ARN, tags: tags(20, 'second') }));
  const reserved = await t.throwsAsync(s.ecs.send(new TagResourceCommand({ resourceArn: ARN, tags: [{ key: 'aws:owner', value: 'x' }] })));
  t.true(reserved instanceof InvalidParameterException);
  const reservedOnCreate = await t.throwsAsync(s.ecs.send(new CreateClusterCommand({ clusterName: 'other', tags: [{ key: 'AWS:x', value: 'y' }] })));
  t.true(reservedOnCreate instanceof InvalidParameterException);
  t.is((await s.ecs.send(new ListTagsForResourceCommand({ resourceArn: ARN }))).tags?.length, 50);
  const untagReserved = await t.throwsAsync(s.ecs.send(new UntagResourceCommand({ resourceArn: ARN, tagKeys: ['aws:x'] })));
  t.true(untagReserved instanceof InvalidParameterException);
});

test('tagging a missing or deleted cluster fails, and a malformed ARN is a parameter error', async (t) => {
  const s = await startServer();
  t.teardown(() => s.close());
  const missing = await t.throwsAsync(s.ecs.send(new ListTagsForResourceCommand({ resourceArn: ARN })));
  t.true(missing instanceof ClusterNotFoundException);
  await s.ecs.send(new CreateClusterCommand({ clusterName: 'tagged' }));
  await s.ecs.send(new DeleteClusterCommand({ cluster: 'tagged' }));
  const deleted = await t.throwsAsync(s.ecs.send(new TagResourceCommand({ resourceArn: ARN, tags: [{ key: 'k', value: 'v' }] })));
  t.true(deleted instanceof ClusterNotFoundException);
  const malformed = await t.throwsAsync(s.ecs.send(new ListTagsForResourceCommand({ resourceArn: 'not-an-arn' })));
  t.true(malformed instanceof InvalidParameterException);
});
