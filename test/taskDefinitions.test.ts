import test, { type ExecutionContext } from 'ava';
import {
  ClientException,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  InvalidParameterException,
  LimitExceededException,
  ListTagsForResourceCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  type ContainerDefinition,
  type ListTaskDefinitionFamiliesCommandInput,
  type ListTaskDefinitionsCommandInput,
  type RegisterTaskDefinitionCommandInput,
  type Tag,
} from '@aws-sdk/client-ecs';
import { startServer, type TestServer } from './helpers/server.ts';

const TD_ARN = 'arn:aws:ecs:us-east-1:000000000000:task-definition/';
const arn = (familyRevision: string) => `${TD_ARN}${familyRevision}`;

type Check = (s: TestServer, t: ExecutionContext) => Promise<void>;

const withServer = (fn: Check) => async (t: ExecutionContext) => {
  const s = await startServer();
  try {
    await fn(s, t);
  } finally {
    await s.close();
  }
};

const container = (overrides: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
  name: 'app',
  image: 'nginx:1.27',
  memory: 128,
  ...overrides,
});

/** A task definition that fits Fargate: awsvpc, 256 cpu units, 512 MiB. */
const fargate = (overrides: Partial<RegisterTaskDefinitionCommandInput> = {}): Partial<RegisterTaskDefinitionCommandInput> => ({
  requiresCompatibilities: ['FARGATE'],
  networkMode: 'awsvpc',
  cpu: '256',
  memory: '512',
  ...overrides,
});

const register = (s: TestServer, family: string, extra: Partial<RegisterTaskDefinitionCommandInput> = {}) =>
  s.ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [container()], ...extra }));

async function registerMany(s: TestServer, family: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await register(s, family);
}

/** Walks every page of ListTaskDefinitions, failing on a repeated token. */
async function listAll(s: TestServer, input: ListTaskDefinitionsCommandInput = {}): Promise<string[]> {
  const arns: string[] = [];
  const seen = new Set<string>();
  let nextToken = input.nextToken;
  do {
    const page = await s.ecs.send(new ListTaskDefinitionsCommand({ ...input, nextToken }));
    arns.push(...(page.taskDefinitionArns ?? []));
    nextToken = page.nextToken;
    if (nextToken !== undefined && seen.has(nextToken)) throw new Error(`nextToken repeated: ${nextToken}`);
    if (nextToken !== undefined) seen.add(nextToken);
  } while (nextToken);
  return arns;
}

async function listFamilies(s: TestServer, input: ListTaskDefinitionFamiliesCommandInput = {}): Promise<string[]> {
  const families: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await s.ecs.send(new ListTaskDefinitionFamiliesCommand({ ...input, nextToken }));
    families.push(...(page.families ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return families;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** Asserts the SDK surfaced the modelled exception: its class and its `name`. */
async function rejects(t: ExecutionContext, call: Promise<unknown>, type: ErrorClass, message?: RegExp): Promise<Error> {
  const err = await t.throwsAsync(call);
  t.true(err instanceof type, `expected ${type.name}, got ${err?.name}: ${err?.message}`);
  t.is(err?.name, type.name);
  if (message) t.regex(err?.message ?? '', message);
  return err!;
}

/** Every revision in every status, and every family: what "nothing registered" looks at. */
async function everything(s: TestServer): Promise<{ revisions: string[]; families: string[] }> {
  const revisions: string[] = [];
  for (const status of ['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'] as const) revisions.push(...(await listAll(s, { status })));
  return { revisions, families: await listFamilies(s, { status: 'ALL' }) };
}

const tags = (count: number, prefix = 'k'): Tag[] => Array.from({ length: count }, (_, i) => ({ key: `${prefix}${i}`, value: `v${i}` }));

// --- RegisterTaskDefinition -------------------------------------------------------------

test('RegisterTaskDefinition numbers revisions from 1 per family', withServer(async (s, t) => {
  const web1 = await register(s, 'web');
  const web2 = await register(s, 'web');
  const worker1 = await register(s, 'worker');
  t.is(web1.taskDefinition?.revision, 1);
  t.is(web2.taskDefinition?.revision, 2);
  t.is(worker1.taskDefinition?.revision, 1);
  t.is(web2.taskDefinition?.taskDefinitionArn, arn('web:2'));
  t.is(worker1.taskDefinition?.taskDefinitionArn, arn('worker:1'));
  t.is(web2.taskDefinition?.family, 'web');
}));

test('RegisterTaskDefinition returns the containers as sent plus the ECS defaults', withServer(async (s, t) => {
  const sent = container({ command: ['nginx', '-g', 'daemon off;'], portMappings: [{ containerPort: 8080 }] });
  const { taskDefinition } = await register(s, 'defaults', { ...fargate(), containerDefinitions: [sent] });
  t.deepEqual(taskDefinition?.containerDefinitions, [{
    name: 'app',
    image: 'nginx:1.27',
    memory: 128,
    command: ['nginx', '-g', 'daemon off;'],
    cpu: 0,
    essential: true,
    portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
    environment: [],
    mountPoints: [],
    volumesFrom: [],
    systemControls: [],
  }]);
  t.is(taskDefinition?.status, 'ACTIVE');
  t.is(taskDefinition?.networkMode, 'awsvpc');
  t.deepEqual(taskDefinition?.requiresCompatibilities, ['FARGATE']);
  t.deepEqual(taskDefinition?.compatibilities, ['EC2', 'FARGATE']);
  t.true(taskDefinition?.registeredAt instanceof Date);
  t.false(Number.isNaN(taskDefinition!.registeredAt!.getTime()));
}));

test('RegisterTaskDefinition keeps what was sent instead of the defaults', withServer(async (s, t) => {
  const sent = container({
    cpu: 128,
    essential: false,
    environment: [{ name: 'MODE', value: 'test' }],
    portMappings: [{ containerPort: 53, hostPort: 5353, protocol: 'udp' }],
  });
  const { taskDefinition } = await register(s, 'kept', { networkMode: 'bridge', containerDefinitions: [sent] });
  const [c] = taskDefinition!.containerDefinitions!;
  t.is(c.cpu, 128);
  t.false(c.essential);
  t.deepEqual(c.environment, [{ name: 'MODE', value: 'test' }]);
  t.deepEqual(c.portMappings, [{ containerPort: 53, hostPort: 5353, protocol: 'udp' }]);
  t.deepEqual(taskDefinition?.compatibilities, ['EC2'], 'bridge mode cannot run on Fargate');
}));

test('RegisterTaskDefinition normalizes "1 vCPU" and "2 GB" to cpu units and MiB', withServer(async (s, t) => {
  const { taskDefinition } = await register(s, 'sized', fargate({ cpu: '1 vCPU', memory: '2 GB' }));
  t.is(taskDefinition?.cpu, '1024');
  t.is(taskDefinition?.memory, '2048');
  const described = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'sized:1' }));
  t.is(described.taskDefinition?.cpu, '1024');
  t.is(described.taskDefinition?.memory, '2048');
}));

test('RegisterTaskDefinition accepts a valid Fargate size written in GB', withServer(async (s, t) => {
  const { taskDefinition } = await register(s, 'fargate-3gb', fargate({ cpu: '1024', memory: '3 GB' }));
  t.is(taskDefinition?.cpu, '1024');
  t.is(taskDefinition?.memory, '3072');
  t.true(taskDefinition?.compatibilities?.includes('FARGATE'));
}));

test('an EC2 container may omit memory when the task has task-level memory', withServer(async (s, t) => {
  const { taskDefinition } = await register(s, 'task-memory', {
    memory: '512',
    containerDefinitions: [container({ memory: undefined })],
  });
  t.is(taskDefinition?.revision, 1);
  t.is(taskDefinition?.containerDefinitions?.[0].memory, undefined);
}));

test('50 concurrent registrations of one family get revisions 1 to 50', withServer(async (s, t) => {
  const results = await Promise.all(Array.from({ length: 50 }, () => register(s, 'busy')));
  const revisions = results.map((r) => r.taskDefinition!.revision!).sort((a, b) => a - b);
  t.deepEqual(revisions, Array.from({ length: 50 }, (_, i) => i + 1));
  t.is((await listAll(s, { familyPrefix: 'busy' })).length, 50);
}));

// --- Validation: each a precise error, and nothing registered ----------------------------

/** Registers `input` over a valid base, expects `type` with `message`, then finds nothing registered. */
async function registrationIsRejected(
  t: ExecutionContext,
  input: Partial<RegisterTaskDefinitionCommandInput>,
  type: ErrorClass,
  message: RegExp,
): Promise<void> {
  await withServer(async (s) => {
    const family = input.family ?? 'rejected';
    await rejects(t, s.ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [container()], ...input })), type, message);
    t.deepEqual(await everything(s), { revisions: [], families: [] });
  })(t);
}

const rejectedRegistration = test.macro({
  exec: registrationIsRejected,
  title: (detail = '') => `RegisterTaskDefinition rejects ${detail} and registers nothing`,
});

test('a family with invalid characters', rejectedRegistration, { family: 'my.family' }, ClientException, /Family contains invalid characters/);
test('a family with a space', rejectedRegistration, { family: 'my family' }, ClientException, /Family contains invalid characters/);
test('11 containers', rejectedRegistration,
  { containerDefinitions: Array.from({ length: 11 }, (_, i) => container({ name: `c${i}` })) },
  LimitExceededException, /at most 10 containers/);
test('duplicate container names', rejectedRegistration,
  { containerDefinitions: [container({ name: 'twin' }), container({ name: 'twin' })] },
  ClientException, /Duplicate container name 'twin'/);
test('a container without an image', rejectedRegistration,
  { containerDefinitions: [container({ image: undefined })] },
  ClientException, /image should not be null or empty/);
test('FARGATE without awsvpc', rejectedRegistration, fargate({ networkMode: 'bridge' }), ClientException, /awsvpc/);
test('FARGATE without a network mode', rejectedRegistration, fargate({ networkMode: undefined }), ClientException, /awsvpc/);
test('FARGATE without task cpu', rejectedRegistration, fargate({ cpu: undefined }), ClientException, /'cpu' be defined at the task level/);
test('FARGATE without task memory', rejectedRegistration, fargate({ memory: undefined }), ClientException, /'memory' be defined at the task level/);
test('an invalid Fargate cpu/memory pair (256/4096)', rejectedRegistration, fargate({ cpu: '256', memory: '4096' }),
  ClientException, /No Fargate configuration exists for given values: 256 CPU, 4096 memory/);
test('an EC2 container without memory or memoryReservation when the task has no memory', rejectedRegistration,
  { containerDefinitions: [container({ memory: undefined })] },
  ClientException, /At least one of 'memory' or 'memoryReservation'/);
test('memoryReservation above memory', rejectedRegistration,
  { containerDefinitions: [container({ memory: 128, memoryReservation: 256 })] },
  ClientException, /memoryReservation/);
test('a mount point on an unknown volume', rejectedRegistration,
  { containerDefinitions: [container({ mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] })] },
  ClientException, /unknown volume 'data'/);
test('tags with the reserved aws: prefix', rejectedRegistration,
  { tags: [{ key: 'aws:owner', value: 'me' }] },
  InvalidParameterException, /aws:/);

// --- DescribeTaskDefinition --------------------------------------------------------------

test('DescribeTaskDefinition by family returns the latest ACTIVE revision', withServer(async (s, t) => {
  await registerMany(s, 'web', 3);
  const { taskDefinition } = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' }));
  t.is(taskDefinition?.revision, 3);
  t.is(taskDefinition?.taskDefinitionArn, arn('web:3'));
}));

test('DescribeTaskDefinition by family:revision and by full ARN returns that revision', withServer(async (s, t) => {
  await registerMany(s, 'web', 3);
  const byRevision = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:2' }));
  t.is(byRevision.taskDefinition?.revision, 2);
  const byArn = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn('web:1') }));
  t.is(byArn.taskDefinition?.revision, 1);
  t.is(byArn.taskDefinition?.family, 'web');
  t.deepEqual(byArn.taskDefinition?.containerDefinitions?.map((c) => c.name), ['app']);
}));

test('DescribeTaskDefinition returns tags only with include TAGS', withServer(async (s, t) => {
  await register(s, 'tagged', { tags: [{ key: 'team', value: 'core' }] });
  const plain = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'tagged:1' }));
  t.is(plain.tags, undefined);
  const withTags = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'tagged:1', include: ['TAGS'] }));
  t.deepEqual(withTags.tags, [{ key: 'team', value: 'core' }]);
}));

test('DescribeTaskDefinition of an unknown family or revision is a ClientException', withServer(async (s, t) => {
  await register(s, 'web');
  for (const taskDefinition of ['nope', 'web:2', arn('nope:1'), 'arn:aws:ecs:eu-west-1:000000000000:task-definition/web:1']) {
    await rejects(t, s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition })), ClientException, /Unable to describe task definition/);
  }
}));

// --- ListTaskDefinitions -----------------------------------------------------------------

test('ListTaskDefinitions familyPrefix names the exact family, as in ECS', withServer(async (s, t) => {
  await registerMany(s, 'web', 2);
  await register(s, 'web-api');
  await register(s, 'webby');
  t.deepEqual(await listAll(s, { familyPrefix: 'web' }), [arn('web:1'), arn('web:2')]);
  t.deepEqual(await listAll(s, { familyPrefix: 'we' }), []);
}));

test('ListTaskDefinitions sorts by family then revision, ASC by default and DESC on request', withServer(async (s, t) => {
  await register(s, 'b');
  await registerMany(s, 'a', 2);
  await register(s, 'a-b');
  const ascending = [arn('a:1'), arn('a:2'), arn('a-b:1'), arn('b:1')];
  t.deepEqual(await listAll(s), ascending);
  t.deepEqual(await listAll(s, { sort: 'ASC' }), ascending);
  t.deepEqual(await listAll(s, { sort: 'DESC' }), [...ascending].reverse());
}));

test('ListTaskDefinitions filters by status, ACTIVE by default', withServer(async (s, t) => {
  await registerMany(s, 'web', 3);
  await s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:2' }));
  t.deepEqual(await listAll(s), [arn('web:1'), arn('web:3')]);
  t.deepEqual(await listAll(s, { status: 'ACTIVE' }), [arn('web:1'), arn('web:3')]);
  t.deepEqual(await listAll(s, { status: 'INACTIVE' }), [arn('web:2')]);
}));

test('ListTaskDefinitions pages through every revision without duplicates or gaps', withServer(async (s, t) => {
  await registerMany(s, 'a', 4);
  await registerMany(s, 'b', 3);
  const all = await listAll(s);
  t.is(all.length, 7);
  for (const maxResults of [1, 2, 3, 7]) {
    t.deepEqual(await listAll(s, { maxResults }), all, `ASC, maxResults ${maxResults}`);
    t.deepEqual(await listAll(s, { maxResults, sort: 'DESC' }), [...all].reverse(), `DESC, maxResults ${maxResults}`);
  }
  const first = await s.ecs.send(new ListTaskDefinitionsCommand({ maxResults: 3 }));
  t.is(first.taskDefinitionArns?.length, 3);
  t.truthy(first.nextToken);
  const last = await s.ecs.send(new ListTaskDefinitionsCommand({ maxResults: 7 }));
  t.is(last.nextToken, undefined, 'no token once everything is returned');
}));

test('ListTaskDefinitions pagination resumes correctly when a revision is registered between pages', withServer(async (s, t) => {
  await registerMany(s, 'a', 4);
  await register(s, 'b');
  const ascFirst = await s.ecs.send(new ListTaskDefinitionsCommand({ maxResults: 2 }));
  const descFirst = await s.ecs.send(new ListTaskDefinitionsCommand({ maxResults: 2, sort: 'DESC' }));
  t.deepEqual(ascFirst.taskDefinitionArns, [arn('a:1'), arn('a:2')]);
  t.deepEqual(descFirst.taskDefinitionArns, [arn('b:1'), arn('a:4')]);
  await register(s, 'a'); // a:5 sorts after the ASC cursor and before the DESC cursor

  const ascRest = await listAll(s, { maxResults: 2, nextToken: ascFirst.nextToken });
  t.deepEqual([...ascFirst.taskDefinitionArns!, ...ascRest], [arn('a:1'), arn('a:2'), arn('a:3'), arn('a:4'), arn('a:5'), arn('b:1')]);
  const descRest = await listAll(s, { maxResults: 2, sort: 'DESC', nextToken: descFirst.nextToken });
  t.deepEqual([...descFirst.taskDefinitionArns!, ...descRest], [arn('b:1'), arn('a:4'), arn('a:3'), arn('a:2'), arn('a:1')]);
}));

test('ListTaskDefinitions rejects an invalid nextToken with InvalidParameterException', withServer(async (s, t) => {
  await registerMany(s, 'web', 3);
  for (const nextToken of ['not-a-token', 'bm9wZQ', '{}']) {
    await rejects(t, s.ecs.send(new ListTaskDefinitionsCommand({ nextToken })), InvalidParameterException);
  }
}));

test('ListTaskDefinitions and ListTaskDefinitionFamilies reject maxResults outside 1 to 100', withServer(async (s, t) => {
  await register(s, 'web');
  for (const maxResults of [0, 101, -1]) {
    await rejects(t, s.ecs.send(new ListTaskDefinitionsCommand({ maxResults })), InvalidParameterException, /maxResults/);
    await rejects(t, s.ecs.send(new ListTaskDefinitionFamiliesCommand({ maxResults })), InvalidParameterException, /maxResults/);
  }
  t.deepEqual((await s.ecs.send(new ListTaskDefinitionsCommand({ maxResults: 100 }))).taskDefinitionArns, [arn('web:1')]);
}));

// --- ListTaskDefinitionFamilies ----------------------------------------------------------

test('ListTaskDefinitionFamilies matches by prefix and filters by status', withServer(async (s, t) => {
  await register(s, 'web');
  await register(s, 'web-api');
  await registerMany(s, 'worker', 2);
  await s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'worker:1' }));
  await s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'worker:2' }));
  await registerMany(s, 'wobbly', 2);
  await s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'wobbly:1' }));

  t.deepEqual(await listFamilies(s), ['web', 'web-api', 'wobbly']);
  t.deepEqual(await listFamilies(s, { status: 'ACTIVE' }), ['web', 'web-api', 'wobbly']);
  t.deepEqual(await listFamilies(s, { status: 'INACTIVE' }), ['worker']);
  t.deepEqual(await listFamilies(s, { status: 'ALL' }), ['web', 'web-api', 'wobbly', 'worker']);
  t.deepEqual(await listFamilies(s, { familyPrefix: 'web' }), ['web', 'web-api']);
  t.deepEqual(await listFamilies(s, { familyPrefix: 'wo', status: 'ALL' }), ['wobbly', 'worker']);
  t.deepEqual(await listFamilies(s, { familyPrefix: 'x' }), []);
}));

test('ListTaskDefinitionFamilies pages through every family', withServer(async (s, t) => {
  const names = Array.from({ length: 7 }, (_, i) => `fam${i}`);
  for (const name of names) await register(s, name);
  const first = await s.ecs.send(new ListTaskDefinitionFamiliesCommand({ maxResults: 3 }));
  t.deepEqual(first.families, names.slice(0, 3));
  t.truthy(first.nextToken);
  for (const maxResults of [1, 2, 3, 7]) t.deepEqual(await listFamilies(s, { maxResults }), names, `maxResults ${maxResults}`);
  await rejects(t, s.ecs.send(new ListTaskDefinitionFamiliesCommand({ nextToken: 'garbage' })), InvalidParameterException);
}));

// --- DeregisterTaskDefinition and DeleteTaskDefinitions ---------------------------------

test('DeregisterTaskDefinition makes a revision INACTIVE; describe by family falls back to the previous ACTIVE one', withServer(async (s, t) => {
  await registerMany(s, 'web', 2);
  const { taskDefinition } = await s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:2' }));
  t.is(taskDefinition?.status, 'INACTIVE');
  t.is(taskDefinition?.revision, 2);
  t.true(taskDefinition?.deregisteredAt instanceof Date);
  const latest = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' }));
  t.is(latest.taskDefinition?.revision, 1);
  const inactive = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn('web:2') }));
  t.is(inactive.taskDefinition?.status, 'INACTIVE', 'an INACTIVE revision stays describable by revision');

  await s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn('web:1') }));
  await rejects(t, s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' })), ClientException);
}));

test('a revision number is not reused after deregistration or deletion', withServer(async (s, t) => {
  await registerMany(s, 'web', 2);
  await s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:2' }));
  t.is((await register(s, 'web')).taskDefinition?.revision, 3);
  await s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:3' }));
  await s.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ['web:3'] }));
  t.is((await register(s, 'web')).taskDefinition?.revision, 4);
}));

test('DeregisterTaskDefinition needs a revision: a family alone is a ClientException', withServer(async (s, t) => {
  await register(s, 'web');
  await rejects(t, s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web' })), ClientException, /family:revision/);
  await rejects(t, s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:9' })), ClientException);
  t.deepEqual(await listAll(s), [arn('web:1')]);
}));

test('DeleteTaskDefinitions deletes INACTIVE revisions and reports ACTIVE and missing ones as failures', withServer(async (s, t) => {
  await registerMany(s, 'web', 2);
  await s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:1' }));
  const r = await s.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ['web:1', arn('web:2'), 'web:7', 'ghost:1'] }));
  t.deepEqual(r.taskDefinitions?.map((td) => [td.taskDefinitionArn, td.status]), [[arn('web:1'), 'DELETE_IN_PROGRESS']]);
  t.true(r.taskDefinitions?.[0].deleteRequestedAt instanceof Date);
  t.deepEqual(r.failures?.map((f) => f.arn), [arn('web:2'), 'web:7', 'ghost:1']);
  t.regex(r.failures![0].reason!, /ACTIVE/);
  t.deepEqual(await listAll(s, { status: 'DELETE_IN_PROGRESS' }), [arn('web:1')]);
  t.deepEqual(await listAll(s, { status: 'INACTIVE' }), []);
  t.deepEqual(await listAll(s), [arn('web:2')], 'the ACTIVE revision is untouched');
}));

// --- Tags on task definitions ------------------------------------------------------------

test('TagResource, ListTagsForResource and UntagResource act on one revision ARN', withServer(async (s, t) => {
  await registerMany(s, 'web', 2);
  const resourceArn = arn('web:1');
  await s.ecs.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'team', value: 'core' }, { key: 'tier', value: 'front' }] }));
  await s.ecs.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'tier', value: 'back' }] }));
  t.deepEqual((await s.ecs.send(new ListTagsForResourceCommand({ resourceArn }))).tags, [
    { key: 'team', value: 'core' },
    { key: 'tier', value: 'back' },
  ]);
  t.deepEqual((await s.ecs.send(new ListTagsForResourceCommand({ resourceArn: arn('web:2') }))).tags, [], 'other revisions keep their own tags');

  await s.ecs.send(new UntagResourceCommand({ resourceArn, tagKeys: ['team'] }));
  t.deepEqual((await s.ecs.send(new ListTagsForResourceCommand({ resourceArn }))).tags, [{ key: 'tier', value: 'back' }]);
  const described = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1', include: ['TAGS'] }));
  t.deepEqual(described.tags, [{ key: 'tier', value: 'back' }]);
}));

test('a task definition cannot hold more than 50 tags', withServer(async (s, t) => {
  const resourceArn = (await register(s, 'web', { tags: tags(45, 'old') })).taskDefinition!.taskDefinitionArn!;
  await rejects(t, s.ecs.send(new TagResourceCommand({ resourceArn, tags: tags(51) })), InvalidParameterException);
  await rejects(t, s.ecs.send(new TagResourceCommand({ resourceArn, tags: tags(6) })), InvalidParameterException, /50 tags/);
  t.is((await s.ecs.send(new ListTagsForResourceCommand({ resourceArn }))).tags?.length, 45, 'rejected tags are not applied');
  await s.ecs.send(new TagResourceCommand({ resourceArn, tags: tags(5) }));
  t.is((await s.ecs.send(new ListTagsForResourceCommand({ resourceArn }))).tags?.length, 50);
  await rejects(t, register(s, 'too-many', { tags: tags(51) }), InvalidParameterException);
  t.deepEqual(await listAll(s, { familyPrefix: 'too-many' }), []);
}));

test('tagging an unknown task definition ARN is a ResourceNotFoundException', withServer(async (s, t) => {
  await register(s, 'web');
  for (const resourceArn of [arn('web:2'), arn('ghost:1')]) {
    await rejects(t, s.ecs.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'a', value: 'b' }] })), ResourceNotFoundException);
    await rejects(t, s.ecs.send(new UntagResourceCommand({ resourceArn, tagKeys: ['a'] })), ResourceNotFoundException);
    await rejects(t, s.ecs.send(new ListTagsForResourceCommand({ resourceArn })), ResourceNotFoundException);
  }
}));
