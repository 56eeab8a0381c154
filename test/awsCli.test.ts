/**
 * The AWS CLI against KECS, as users run it: `aws --endpoint-url ... ecs ...`, including a
 * waiter and an error. Uses KECS_TEST_AWS_CLI (the path of `aws`), which .ci/run installs;
 * skipped without it, except under CI.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import test from 'ava';
import { startServer } from './helpers/server.ts';

const run = promisify(execFile);
const cli = process.env.KECS_TEST_AWS_CLI;

if (!cli) {
  if (process.env.CI) test('AWS CLI: KECS_TEST_AWS_CLI must be set in CI', (t) => t.fail('.ci/run installs the AWS CLI'));
  else test.skip('AWS CLI (set KECS_TEST_AWS_CLI to run)', () => {});
} else {
  test('create a cluster, register, run a task, wait for it and read errors with the AWS CLI', async (t) => {
    const s = await startServer();
    t.teardown(() => s.close());
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
    const aws = async (...args: string[]) => {
      const { stdout } = await run(cli, ['--endpoint-url', s.endpoint, '--output', 'json', 'ecs', ...args], { env });
      return stdout.trim() ? JSON.parse(stdout) : {};
    };

    const created = await aws('create-cluster', '--cluster-name', 'cli');
    t.is(created.cluster.status, 'ACTIVE');
    const registered = await aws(
      'register-task-definition', '--family', 'cli',
      '--container-definitions', JSON.stringify([{ name: 'app', image: 'nginx', memory: 64 }]),
    );
    t.is(registered.taskDefinition.revision, 1);
    // CLI v1 prints timestamps as they came on the wire: epoch seconds.
    t.true(Math.abs(registered.taskDefinition.registeredAt - Date.now() / 1000) < 60);

    const ran = await aws('run-task', '--cluster', 'cli', '--task-definition', 'cli', '--count', '2');
    const arns: string[] = ran.tasks.map((x: { taskArn: string }) => x.taskArn);
    await aws('wait', 'tasks-running', '--cluster', 'cli', '--tasks', ...arns);
    const described = await aws('describe-tasks', '--cluster', 'cli', '--tasks', ...arns);
    t.deepEqual(described.tasks.map((x: { lastStatus: string }) => x.lastStatus), ['RUNNING', 'RUNNING']);

    const listed = await aws('list-task-definitions');
    t.deepEqual(listed.taskDefinitionArns, [registered.taskDefinition.taskDefinitionArn]);

    const failure = await t.throwsAsync(aws('describe-task-definition', '--task-definition', 'nope'));
    t.regex(String((failure as { stderr?: string }).stderr), /ClientException/);
    const missing = await t.throwsAsync(aws('delete-cluster', '--cluster', 'nope'));
    t.regex(String((missing as { stderr?: string }).stderr), /ClusterNotFoundException/);
  });
}
