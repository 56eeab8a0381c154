import test from 'ava';
import { createActor } from 'xstate';
import { clusterMachine, type ClusterSpec } from '../machines/clusterMachine.ts';
import { taskDefinitionFamilyMachine, type FamilyEvent } from '../machines/taskDefinitionFamilyMachine.ts';

const spec: ClusterSpec = {
  settings: [{ name: 'containerInsights', value: 'disabled' }],
  capacityProviders: [],
  defaultCapacityProviderStrategy: [],
  tags: [{ key: 'a', value: '1' }],
};

function cluster() {
  const actor = createActor(clusterMachine, {
    input: { clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/c', clusterName: 'c', createdAt: 0, spec },
  });
  return actor.start();
}

test('cluster: PROVISIONING → ACTIVE → DEPROVISIONING → INACTIVE, each on its own event', (t) => {
  const actor = cluster();
  t.is(actor.getSnapshot().value, 'PROVISIONING');
  actor.send({ type: 'ecs.deleteCluster' });
  t.is(actor.getSnapshot().value, 'PROVISIONING', 'a cluster being provisioned cannot be deleted yet');
  actor.send({ type: 'runtime.provisioned' });
  t.is(actor.getSnapshot().value, 'ACTIVE');
  actor.send({ type: 'ecs.deleteCluster' });
  t.is(actor.getSnapshot().value, 'DEPROVISIONING');
  actor.send({ type: 'runtime.deprovisioned' });
  t.is(actor.getSnapshot().value, 'INACTIVE');
});

test('cluster: updates apply only while ACTIVE', (t) => {
  const actor = cluster();
  actor.send({ type: 'ecs.updateSettings', settings: [{ name: 'containerInsights', value: 'enabled' }] });
  t.deepEqual(actor.getSnapshot().context.settings, spec.settings);
  actor.send({ type: 'runtime.provisioned' });
  actor.send({ type: 'ecs.updateSettings', settings: [{ name: 'containerInsights', value: 'enabled' }] });
  t.deepEqual(actor.getSnapshot().context.settings, [{ name: 'containerInsights', value: 'enabled' }]);
  actor.send({ type: 'ecs.putCapacityProviders', capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [] });
  t.deepEqual(actor.getSnapshot().context.capacityProviders, ['FARGATE']);
});

test('cluster: tags merge by key and are removed by key', (t) => {
  const actor = cluster();
  actor.send({ type: 'ecs.tagResource', tags: [{ key: 'a', value: '2' }, { key: 'b', value: '3' }] });
  t.deepEqual(actor.getSnapshot().context.tags, [{ key: 'a', value: '2' }, { key: 'b', value: '3' }]);
  actor.send({ type: 'ecs.untagResource', tagKeys: ['a', 'missing'] });
  t.deepEqual(actor.getSnapshot().context.tags, [{ key: 'b', value: '3' }]);
});

test('cluster: an INACTIVE cluster is recreated with a new spec', (t) => {
  const actor = cluster();
  actor.send({ type: 'runtime.provisioned' });
  actor.send({ type: 'ecs.deleteCluster' });
  actor.send({ type: 'runtime.deprovisioned' });
  actor.send({ type: 'ecs.recreate', spec: { ...spec, tags: [] }, at: 5 });
  t.is(actor.getSnapshot().value, 'PROVISIONING');
  t.deepEqual(actor.getSnapshot().context.tags, []);
  t.is(actor.getSnapshot().context.createdAt, 5);
});

test('cluster: a persisted snapshot restores the same state and context', (t) => {
  const actor = cluster();
  actor.send({ type: 'runtime.provisioned' });
  const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
  const restored = createActor(clusterMachine, { snapshot: persisted } as never).start();
  t.is(restored.getSnapshot().value, 'ACTIVE');
  t.deepEqual(restored.getSnapshot().context, actor.getSnapshot().context);
});

function family() {
  const familyArn = 'arn:aws:ecs:us-east-1:000000000000:task-definition/web';
  return createActor(taskDefinitionFamilyMachine, { input: { family: 'web', familyArn } }).start();
}

const register: FamilyEvent = { type: 'ecs.register', tags: [], at: 1 };

test('family: revisions count up from 1 and are never reused', (t) => {
  const actor = family();
  actor.send(register);
  actor.send(register);
  actor.send({ type: 'ecs.deregister', revision: 2, at: 2 });
  actor.send(register);
  const { revisions, lastRevision } = actor.getSnapshot().context;
  t.is(lastRevision, 3);
  t.is(revisions[3].status, 'ACTIVE');
  t.is(revisions[2].status, 'INACTIVE');
  t.is(revisions[2].deregisteredAt, 2);
});

test('family: only INACTIVE revisions can be deleted, only ACTIVE ones deregistered', (t) => {
  const actor = family();
  actor.send(register);
  actor.send({ type: 'ecs.delete', revision: 1, at: 2 });
  t.is(actor.getSnapshot().context.revisions[1].status, 'ACTIVE');
  actor.send({ type: 'ecs.deregister', revision: 1, at: 3 });
  actor.send({ type: 'ecs.deregister', revision: 1, at: 4 });
  t.is(actor.getSnapshot().context.revisions[1].deregisteredAt, 3, 'deregistering twice changes nothing');
  actor.send({ type: 'ecs.delete', revision: 1, at: 5 });
  t.is(actor.getSnapshot().context.revisions[1].status, 'DELETE_IN_PROGRESS');
  actor.send({ type: 'ecs.deregister', revision: 9, at: 6 });
  t.false(9 in actor.getSnapshot().context.revisions);
});

test('family: tags belong to one revision', (t) => {
  const actor = family();
  actor.send(register);
  actor.send(register);
  actor.send({ type: 'ecs.tagResource', revision: 2, tags: [{ key: 'k', value: 'v' }] });
  const { revisions } = actor.getSnapshot().context;
  t.deepEqual(revisions[1].tags, []);
  t.deepEqual(revisions[2].tags, [{ key: 'k', value: 'v' }]);
  actor.send({ type: 'ecs.untagResource', revision: 2, tagKeys: ['k'] });
  t.deepEqual(actor.getSnapshot().context.revisions[2].tags, []);
});
