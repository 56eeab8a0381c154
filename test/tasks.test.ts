import test from 'ava';
import {
  ClientException,
  ClusterContainsTasksException,
  ClusterNotFoundException,
  DeleteClusterCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeTasksCommand,
  InvalidParameterException,
  ListTagsForResourceCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  TagResourceCommand,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
  type Task,
} from '@aws-sdk/client-ecs';
import { clusterAndFamily, container, eventually } from './helpers/ecs.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const waiter = (s: TestServer) => ({ client: s.ecs, maxWaitTime: 20, minDelay: 1, maxDelay: 1 });

async function server(t: import('ava').ExecutionContext) {
  const s = await startServer();
  t.teardown(() => s.close());
  return s;
}

const describe = async (s: TestServer, tasks: string[], cluster?: string) =>
  (await s.ecs.send(new DescribeTasksCommand({ cluster, tasks, include: ['TAGS'] })));

const until = (s: TestServer, arn: string, check: (task: Task) => boolean) =>
  eventually(async () => (await describe(s, [arn])).tasks![0], check);

test('RunTask starts tasks in PROVISIONING that reach RUNNING, as the TasksRunning waiter sees', async (t) => {
  const s = await server(t);
  const td = await clusterAndFamily(s.ecs);
  const run = await s.ecs.send(new RunTaskCommand({ taskDefinition: 'web', count: 3, startedBy: 'ci' }));
  t.deepEqual(run.failures, []);
  t.is(run.tasks?.length, 3);
  for (const task of run.tasks!) {
    t.regex(task.taskArn!, /^arn:aws:ecs:us-east-1:000000000000:task\/default\/[0-9a-f]{32}$/);
    t.is(task.lastStatus, 'PROVISIONING');
    t.is(task.desiredStatus, 'RUNNING');
    t.is(task.version, 1);
    t.is(task.taskDefinitionArn, td.taskDefinitionArn);
    t.is(task.group, 'family:web');
    t.is(task.startedBy, 'ci');
    t.is(task.launchType, 'EC2');
    t.true(task.createdAt instanceof Date);
    t.regex(task.containers![0].containerArn!, /^arn:aws:ecs:us-east-1:000000000000:container\/default\/[0-9a-f]{32}\/[0-9a-f-]{36}$/);
    t.is(task.containers![0].lastStatus, 'PENDING');
  }
  const arns = run.tasks!.map((x) => x.taskArn!);
  const result = await waitUntilTasksRunning(waiter(s), { tasks: arns });
  t.is(result.state as string, 'SUCCESS');
  const running = (await describe(s, arns)).tasks!;
  for (const task of running) {
    t.is(task.lastStatus, 'RUNNING');
    t.true(task.version! > 1, 'version counts every change');
    t.true(task.pullStartedAt! <= task.pullStoppedAt! && task.pullStoppedAt! <= task.startedAt!);
    t.is(task.containers![0].lastStatus, 'RUNNING');
    t.is(task.connectivity, 'CONNECTED');
  }
  const cluster = (await s.ecs.send(new DescribeClustersCommand({}))).clusters![0];
  t.is(cluster.runningTasksCount, 3);
  t.is(cluster.pendingTasksCount, 0);
});

test('StopTask stops a task with the reason given, as the TasksStopped waiter sees', async (t) => {
  const s = await server(t);
  await clusterAndFamily(s.ecs);
  const arn = (await s.ecs.send(new RunTaskCommand({ taskDefinition: 'web' }))).tasks![0].taskArn!;
  await waitUntilTasksRunning(waiter(s), { tasks: [arn] });
  const stopped = await s.ecs.send(new StopTaskCommand({ task: arn, reason: 'deploy finished' }));
  t.is(stopped.task?.desiredStatus, 'STOPPED');
  t.is(stopped.task?.stopCode, 'UserInitiated');
  t.true(stopped.task?.stoppingAt instanceof Date);
  await waitUntilTasksStopped(waiter(s), { tasks: [arn] });
  const task = (await describe(s, [arn])).tasks![0];
  t.is(task.lastStatus, 'STOPPED');
  t.is(task.stoppedReason, 'deploy finished');
  t.true(task.stoppedAt! >= task.executionStoppedAt!);
  t.is(task.containers![0].lastStatus, 'STOPPED');
  t.is((await s.ecs.send(new DescribeClustersCommand({}))).clusters![0].runningTasksCount, 0);
});

test('StopTask without a reason says the user stopped it; an unknown task is a parameter error', async (t) => {
  const s = await server(t);
  await clusterAndFamily(s.ecs);
  const id = (await s.ecs.send(new RunTaskCommand({ taskDefinition: 'web' }))).tasks![0].taskArn!.split('/').pop()!;
  const stopped = await s.ecs.send(new StopTaskCommand({ task: id }));
  t.is(stopped.task?.stoppedReason, 'Task stopped by user');
  await waitUntilTasksStopped(waiter(s), { tasks: [id] });
  const unknown = await t.throwsAsync(s.ecs.send(new StopTaskCommand({ task: '0'.repeat(32) })));
  t.true(unknown instanceof InvalidParameterException);
});

test('an essential container that exits stops the task with its exit code', async (t) => {
  const s = await server(t);
  await clusterAndFamily(s.ecs, 'crashy', [
    container('app', [{ name: 'KECS_SIMULATE_EXIT_CODE', value: '3' }]),
    container('sidecar'),
  ]);
  const arn = (await s.ecs.send(new RunTaskCommand({ taskDefinition: 'crashy' }))).tasks![0].taskArn!;
  const task = await until(s, arn, (x) => x.lastStatus === 'STOPPED');
  t.is(task.stopCode, 'EssentialContainerExited');
  t.is(task.stoppedReason, 'Essential container in task exited');
  t.is(task.containers!.find((c) => c.name === 'app')?.exitCode, 3);
  t.is(task.desiredStatus, 'STOPPED');
});

test('a non-essential container that exits leaves the task RUNNING', async (t) => {
  const s = await server(t);
  await clusterAndFamily(s.ecs, 'job', [
    container('app'),
    container('init', [{ name: 'KECS_SIMULATE_EXIT_CODE', value: '0' }], { essential: false }),
  ]);
  const arn = (await s.ecs.send(new RunTaskCommand({ taskDefinition: 'job' }))).tasks![0].taskArn!;
  const task = await until(s, arn, (x) => x.containers!.find((c) => c.name === 'init')?.lastStatus === 'STOPPED');
  t.is(task.lastStatus, 'RUNNING');
  t.is(task.containers!.find((c) => c.name === 'init')?.exitCode, 0);
});

test('a provoked start failure stops the task with TaskFailedToStart, and the TasksRunning waiter fails', async (t) => {
  const s = await server(t);
  await clusterAndFamily(s.ecs);
  const arn = (await s.ecs.send(new RunTaskCommand({
    taskDefinition: 'web',
    overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'KECS_SIMULATE_START_FAILURE', value: 'CannotPullContainerError: pull access denied' }] }] },
  }))).tasks![0].taskArn!;
  await t.throwsAsync(waitUntilTasksRunning(waiter(s), { tasks: [arn] }));
  const task = (await describe(s, [arn])).tasks![0];
  t.is(task.lastStatus, 'STOPPED');
  t.is(task.stopCode, 'TaskFailedToStart');
  t.is(task.stoppedReason, 'CannotPullContainerError: pull access denied');
  t.is(task.startedAt, undefined);
});

test('RunTask refuses bad requests precisely and starts nothing', async (t) => {
  const s = await server(t);
  await clusterAndFamily(s.ecs);
  await s.ecs.send(new RegisterTaskDefinitionCommand({
    family: 'fargate', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512',
    containerDefinitions: [container()],
  }));
  await s.ecs.send(new RegisterTaskDefinitionCommand({ family: 'old', containerDefinitions: [container()] }));
  await s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'old:1' }));
  const cases: [object, new (...args: never[]) => Error][] = [
    [{ cluster: 'nope', taskDefinition: 'web' }, ClusterNotFoundException],
    [{ taskDefinition: 'missing' }, ClientException],
    [{ taskDefinition: 'old:1' }, InvalidParameterException],
    [{ taskDefinition: 'web', count: 11 }, InvalidParameterException],
    [{ taskDefinition: 'web', count: 0 }, InvalidParameterException],
    [{ taskDefinition: 'web', launchType: 'FARGATE' }, InvalidParameterException],
    [{ taskDefinition: 'fargate', launchType: 'FARGATE' }, InvalidParameterException],
    [{ taskDefinition: 'web', launchType: 'EC2', capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] }, InvalidParameterException],
  ];
  for (const [input, type] of cases) {
    const err = await t.throwsAsync(s.ecs.send(new RunTaskCommand(input as never)));
    t.true(err instanceof type, `${JSON.stringify(input)} → ${err?.name}: ${err?.message}`);
  }
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
    t.deepEqual((await s.ecs.send(new ListTasksCommand({ desiredStatus }))).taskArns, []);
  }
});

test('a Fargate task gets its launch type, platform version, cpu/memory overrides and an ENI attachment', async (t) => {
  const s = await server(t);
  await clusterAndFamily(s.ecs);
  await s.ecs.send(new RegisterTaskDefinitionCommand({
    family: 'fargate', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512',
    containerDefinitions: [container()],
  }));
  const task = (await s.ecs.send(new RunTaskCommand({
    taskDefinition: 'fargate',
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
    overrides: { cpu: '512', memory: '1024', containerOverrides: [{ name: 'app', command: ['echo', 'hi'] }] },
  }))).tasks![0];
  t.is(task.launchType, 'FARGATE');
  t.is(task.platformVersion, '1.4.0');
  t.is(task.cpu, '512');
  t.is(task.memory, '1024');
  t.deepEqual(task.overrides?.containerOverrides, [{ name: 'app', command: ['echo', 'hi'] }]);
  t.is(task.attachments?.[0].type, 'ElasticNetworkInterface');
  t.is(task.attachments?.[0].status, 'PRECREATED');
  const running = await until(s, task.taskArn!, (x) => x.lastStatus === 'RUNNING');
  t.is(running.attachments?.[0].status, 'ATTACHED');
  t.deepEqual(running.attachments?.[0].details?.find((d) => d.name === 'subnetId')?.value, 'subnet-1');
});

test('RunTask with a clientToken is idempotent', async (t) => {
  const s = await server(t);
  await clusterAndFamily(s.ecs);
  const first = await s.ecs.send(new RunTaskCommand({ taskDefinition: 'web', count: 2, clientToken: 'once' }));
  const again = await s.ecs.send(new RunTaskCommand({ taskDefinition: 'web', count: 2, clientToken: 'once' }));
  t.deepEqual(again.tasks!.map((x) => x.taskArn), first.tasks!.map((x) => x.taskArn));
  t.is((await s.ecs.send(new ListTasksCommand({}))).taskArns?.length, 2);
});

test('ListTasks filters by desired status, family, startedBy and pages through results', async (t) => {
  const s = await server(t);
  await clusterAndFamily(s.ecs);
  await s.ecs.send(new RegisterTaskDefinitionCommand({ family: 'other', containerDefinitions: [container()] }));
  const web = (await s.ecs.send(new RunTaskCommand({ taskDefinition: 'web', count: 10, startedBy: 'bot' }))).tasks!;
  const more = (await s.ecs.send(new RunTaskCommand({ taskDefinition: 'web', count: 5 }))).tasks!;
  const other = (await s.ecs.send(new RunTaskCommand({ taskDefinition: 'other', count: 2 }))).tasks!;
  await s.ecs.send(new StopTaskCommand({ task: other[0].taskArn! }));
  const list = async (input: object) => (await s.ecs.send(new ListTasksCommand(input))).taskArns!.sort();
  const arns = (tasks: Task[]) => tasks.map((x) => x.taskArn!).sort();

  t.deepEqual(await list({}), arns([...web, ...more, other[1]]), 'desiredStatus defaults to RUNNING');
  t.deepEqual(await list({ desiredStatus: 'STOPPED' }), arns([other[0]]));
  t.deepEqual(await list({ family: 'other' }), arns([other[1]]));
  t.deepEqual(await list({ startedBy: 'bot' }), arns(web));
  const combined = await t.throwsAsync(s.ecs.send(new ListTasksCommand({ startedBy: 'bot', family: 'web' })));
  t.true(combined instanceof InvalidParameterException);

  const seen: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await s.ecs.send(new ListTasksCommand({ maxResults: 4, nextToken }));
    t.true(page.taskArns!.length <= 4);
    seen.push(...page.taskArns!);
    nextToken = page.nextToken;
  } while (nextToken);
  t.deepEqual(seen.sort(), arns([...web, ...more, other[1]]));
});

test('DescribeTasks reports unknown tasks as MISSING and refuses more than 100', async (t) => {
  const s = await server(t);
  await clusterAndFamily(s.ecs);
  const arn = (await s.ecs.send(new RunTaskCommand({ taskDefinition: 'web' }))).tasks![0].taskArn!;
  const missing = 'arn:aws:ecs:us-east-1:000000000000:task/default/' + 'f'.repeat(32);
  const r = await describe(s, [arn, missing]);
  t.deepEqual(r.tasks!.map((x) => x.taskArn), [arn]);
  t.deepEqual(r.failures, [{ arn: missing, reason: 'MISSING' }]);
  const tooMany = await t.throwsAsync(describe(s, Array.from({ length: 101 }, (_, i) => String(i))));
  t.true(tooMany instanceof InvalidParameterException);
  const noCluster = await t.throwsAsync(describe(s, [arn], 'nope'));
  t.true(noCluster instanceof ClusterNotFoundException);
});

test('DeleteCluster refuses while tasks are not STOPPED', async (t) => {
  const s = await server(t);
  await clusterAndFamily(s.ecs, 'web', [container()], 'busy');
  const arn = (await s.ecs.send(new RunTaskCommand({ cluster: 'busy', taskDefinition: 'web' }))).tasks![0].taskArn!;
  const refused = await t.throwsAsync(s.ecs.send(new DeleteClusterCommand({ cluster: 'busy' })));
  t.true(refused instanceof ClusterContainsTasksException);
  await s.ecs.send(new StopTaskCommand({ cluster: 'busy', task: arn }));
  await waitUntilTasksStopped(waiter(s), { cluster: 'busy', tasks: [arn] });
  const { cluster } = await s.ecs.send(new DeleteClusterCommand({ cluster: 'busy' }));
  t.is(cluster?.status, 'INACTIVE');
});

test('task tags: given, propagated from the task definition, ECS-managed, and added later', async (t) => {
  const s = await server(t);
  await s.ecs.send(new RegisterTaskDefinitionCommand({ family: 'tagged', containerDefinitions: [container()], tags: [{ key: 'team', value: 'core' }] }));
  await clusterAndFamily(s.ecs, 'plain');
  const task = (await s.ecs.send(new RunTaskCommand({
    taskDefinition: 'tagged',
    tags: [{ key: 'run', value: '1' }],
    propagateTags: 'TASK_DEFINITION',
    enableECSManagedTags: true,
  }))).tasks![0];
  t.deepEqual(task.tags, [{ key: 'team', value: 'core' }, { key: 'run', value: '1' }, { key: 'aws:ecs:clusterName', value: 'default' }]);
  await s.ecs.send(new TagResourceCommand({ resourceArn: task.taskArn!, tags: [{ key: 'later', value: 'yes' }] }));
  const listed = await s.ecs.send(new ListTagsForResourceCommand({ resourceArn: task.taskArn! }));
  t.true(listed.tags!.some((x) => x.key === 'later'));
  const plain = (await describe(s, [task.taskArn!])).tasks![0];
  t.is(plain.tags?.length, 4);
});

test('STOPPED tasks are reaped after the retention period', async (t) => {
  const s = await startServer({ stoppedTaskRetentionMs: 200 });
  t.teardown(() => s.close());
  await clusterAndFamily(s.ecs);
  const arn = (await s.ecs.send(new RunTaskCommand({ taskDefinition: 'web' }))).tasks![0].taskArn!;
  await s.ecs.send(new StopTaskCommand({ task: arn }));
  await until(s, arn, (x) => x.lastStatus === 'STOPPED');
  const gone = await eventually(() => describe(s, [arn]), (r) => r.failures!.length === 1);
  t.deepEqual(gone.failures, [{ arn, reason: 'MISSING' }]);
});
