import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import test from 'ava';
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListClustersCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  TagResourceCommand,
} from '@aws-sdk/client-ecs';
import { eventually } from './helpers/ecs.ts';
import { ecsClient, removeDir, startServer, tempDataDir } from './helpers/server.ts';

const container = { name: 'app', image: 'nginx:1', memory: 128 };
const register = (family: string) => new RegisterTaskDefinitionCommand({ family, containerDefinitions: [container] });

test('a restart on the same data directory restores clusters, revisions, tags and statuses', async (t) => {
  const data = tempDataDir();
  t.teardown(() => removeDir(data));
  const first = await startServer({ data });
  await first.ecs.send(new CreateClusterCommand({ clusterName: 'kept', tags: [{ key: 'a', value: '1' }] }));
  await first.ecs.send(new CreateClusterCommand({ clusterName: 'gone' }));
  await first.ecs.send(new DeleteClusterCommand({ cluster: 'gone' }));
  for (let i = 0; i < 3; i++) await first.ecs.send(register('web'));
  await first.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:3' }));
  const webArn = 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:2';
  await first.ecs.send(new TagResourceCommand({ resourceArn: webArn, tags: [{ key: 'v', value: '2' }] }));
  await first.close();

  const second = await startServer({ data });
  t.teardown(() => second.close());
  const clusters = await second.ecs.send(new DescribeClustersCommand({ clusters: ['kept', 'gone'], include: ['TAGS'] }));
  t.deepEqual(clusters.clusters?.map((c) => [c.clusterName, c.status]), [['kept', 'ACTIVE'], ['gone', 'INACTIVE']]);
  t.deepEqual(clusters.clusters?.[0].tags, [{ key: 'a', value: '1' }]);
  t.deepEqual((await second.ecs.send(new ListClustersCommand({}))).clusterArns, ['arn:aws:ecs:us-east-1:000000000000:cluster/kept']);

  const latest = await second.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' }));
  t.is(latest.taskDefinition?.revision, 2, 'revision 3 stayed INACTIVE');
  const inactive = await second.ecs.send(new ListTaskDefinitionsCommand({ status: 'INACTIVE' }));
  t.deepEqual(inactive.taskDefinitionArns, ['arn:aws:ecs:us-east-1:000000000000:task-definition/web:3']);
  t.deepEqual((await second.ecs.send(new ListTagsForResourceCommand({ resourceArn: webArn }))).tags, [{ key: 'v', value: '2' }]);
  const next = await second.ecs.send(register('web'));
  t.is(next.taskDefinition?.revision, 4, 'revision numbers continue after a restart');
});

/** Starts `main.ts` as its own process and resolves with its port once it listens. */
function startChild(data: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts', '--port', '0', '--data', data], {
    cwd: new URL('..', import.meta.url),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Every log line is read to the end, so the child never blocks on a full pipe.
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      const entry = JSON.parse(line);
      if (entry.msg === 'listening') resolve({ child, port: entry.port as number });
    });
    child.once('exit', () => reject(new Error('the server exited before it listened')));
  });
}

test('a write acknowledged with 200 survives kill -9 right after', async (t) => {
  const data = tempDataDir();
  t.teardown(() => removeDir(data));
  const { child, port } = await startChild(data);
  const ecs = ecsClient(`http://127.0.0.1:${port}`);
  const revisions = await Promise.all(Array.from({ length: 20 }, () => ecs.send(register('durable'))));
  await ecs.send(new CreateClusterCommand({ clusterName: 'durable' }));
  child.kill('SIGKILL');
  await once(child, 'exit');
  ecs.destroy();
  t.deepEqual(revisions.map((r) => r.taskDefinition?.revision).sort((a, b) => a! - b!), Array.from({ length: 20 }, (_, i) => i + 1));

  const after = await startServer({ data });
  t.teardown(() => after.close());
  const described = await after.ecs.send(new DescribeClustersCommand({ clusters: ['durable'] }));
  t.is(described.clusters?.[0].status, 'ACTIVE');
  const latest = await after.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'durable' }));
  t.is(latest.taskDefinition?.revision, 20);
});

test('under a stream of concurrent writes, every one acknowledged before kill -9 is there after', async (t) => {
  const data = tempDataDir();
  t.teardown(() => removeDir(data));
  const { child, port } = await startChild(data);
  const ecs = ecsClient(`http://127.0.0.1:${port}`);
  const acknowledged: number[] = [];
  let killed = false;
  // 16 writers keep registering revisions of one family; the server dies in the middle.
  const writers = Array.from({ length: 16 }, async () => {
    while (!killed) {
      try {
        const r = await ecs.send(register('stream'));
        if (!killed) acknowledged.push(r.taskDefinition!.revision!);
      } catch {
        return; // the server is gone
      }
    }
  });
  await eventually(async () => acknowledged.length, (n) => n >= 150, 30_000);
  child.kill('SIGKILL');
  killed = true;
  await once(child, 'exit');
  await Promise.all(writers);
  ecs.destroy();

  const after = await startServer({ data });
  t.teardown(() => after.close());
  const stored = new Set<number>();
  let nextToken: string | undefined;
  do {
    const page = await after.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'stream', nextToken }));
    for (const arn of page.taskDefinitionArns!) stored.add(Number(arn.split(':').pop()));
    nextToken = page.nextToken;
  } while (nextToken);
  const lost = acknowledged.filter((r) => !stored.has(r));
  t.deepEqual(lost, [], `${acknowledged.length} acknowledged, ${stored.size} stored`);
  const next = await after.ecs.send(register('stream'));
  t.is(next.taskDefinition!.revision, Math.max(...stored) + 1, 'no revision number is handed out twice');
});

test('SIGTERM shuts the server down cleanly and keeps what it acknowledged', async (t) => {
  const data = tempDataDir();
  t.teardown(() => removeDir(data));
  const { child, port } = await startChild(data);
  const ecs = ecsClient(`http://127.0.0.1:${port}`);
  await ecs.send(new CreateClusterCommand({ clusterName: 'graceful' }));
  ecs.destroy();
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  t.is(code, 0);
  const after = await startServer({ data });
  t.teardown(() => after.close());
  t.deepEqual((await after.ecs.send(new ListClustersCommand({}))).clusterArns, ['arn:aws:ecs:us-east-1:000000000000:cluster/graceful']);
});

test('tasks survive a restart: running ones are adopted, not duplicated; stopped ones stay stopped', async (t) => {
  const data = tempDataDir();
  t.teardown(() => removeDir(data));
  const first = await startServer({ data });
  await first.ecs.send(new CreateClusterCommand({}));
  await first.ecs.send(register('web'));
  const [running, stopped] = (await first.ecs.send(new RunTaskCommand({ taskDefinition: 'web', count: 2 }))).tasks!.map((x) => x.taskArn!);
  await eventually(() => first.ecs.send(new DescribeTasksCommand({ tasks: [running] })), (r) => r.tasks![0].lastStatus === 'RUNNING');
  await first.ecs.send(new StopTaskCommand({ task: stopped, reason: 'before restart' }));
  await eventually(() => first.ecs.send(new DescribeTasksCommand({ tasks: [stopped] })), (r) => r.tasks![0].lastStatus === 'STOPPED');
  const before = (await first.ecs.send(new DescribeTasksCommand({ tasks: [running] }))).tasks![0];
  await first.close();

  const second = await startServer({ data });
  t.teardown(() => second.close());
  const after = await second.ecs.send(new DescribeTasksCommand({ tasks: [running, stopped] }));
  const [r, s] = after.tasks!;
  t.is(r.lastStatus, 'RUNNING');
  t.deepEqual(r.startedAt, before.startedAt, 'the adopted task keeps its history');
  t.is(s.lastStatus, 'STOPPED');
  t.is(s.stoppedReason, 'before restart');
  t.deepEqual((await second.ecs.send(new ListTasksCommand({}))).taskArns, [running]);
  const cluster = (await second.ecs.send(new DescribeClustersCommand({}))).clusters![0];
  t.is(cluster.runningTasksCount, 1);
});
