/**
 * The task API end to end on a real Kubernetes control plane (the testbed of
 * scripts/k8s-up.sh, where kwok plays the kubelet): KECS runs with `--runtime kubernetes`
 * and is driven through the SDK, while the test looks at the Pods it makes.
 *
 * Needs KECS_TEST_KUBECONFIG (or KUBECONFIG); skipped without one, except under CI.
 */
import test, { type ExecutionContext } from 'ava';
import * as k8s from '@kubernetes/client-node';
import {
  DeleteClusterCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
} from '@aws-sdk/client-ecs';
import { namespaceFor, podNameFor } from '../kubernetes/naming.ts';
import { clusterAndFamily, container, eventually } from './helpers/ecs.ts';
import {
  isNotFound,
  loadKubeConfig,
  uniqueName,
  waitFor,
  type TestKubeconfig,
  kubernetesTests,
} from './helpers/kubernetes.ts';
import { removeDir, startServer, tempDataDir, type TestServer } from './helpers/server.ts';

kubernetesTests('kubernetes tasks', register);

function register(source: TestKubeconfig) {
  const kc = loadKubeConfig(source);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const waiter = (s: TestServer) => ({ client: s.ecs, maxWaitTime: 90, minDelay: 1, maxDelay: 2 });
  const taskId = (arn: string) => arn.split('/').pop()!;

  async function kecs(t: ExecutionContext, data = ':memory:') {
    const s = await startServer({ runtime: 'kubernetes', kubeconfig: source.path, data });
    t.teardown(() => s.close());
    return s;
  }

  /** A cluster of its own for each test, so tests share the API server but nothing else. */
  async function setup(t: ExecutionContext, s: TestServer, containers = [container('app', [], { image: 'registry.local/app:1' })]) {
    const cluster = uniqueName('e2e');
    await clusterAndFamily(s.ecs, cluster, containers, cluster);
    const namespace = namespaceFor('us-east-1', cluster);
    t.teardown(() => core.deleteNamespace({ name: namespace }).catch(() => {}));
    return { cluster, namespace };
  }

  const podOf = (namespace: string, arn: string) => core.readNamespacedPod({ namespace, name: podNameFor(taskId(arn)) });
  const podGone = (namespace: string, arn: string) =>
    waitFor(`Pod of ${taskId(arn)} gone`, () => podOf(namespace, arn).then(() => false, (err) => isNotFound(err)), { timeoutMs: 90_000 });

  test.serial('RunTask makes a Pod; the task is RUNNING once the Pod runs; StopTask deletes it and the task STOPS', async (t) => {
    const s = await kecs(t);
    const { cluster, namespace } = await setup(t, s);
    const arn = (await s.ecs.send(new RunTaskCommand({ cluster, taskDefinition: cluster }))).tasks![0].taskArn!;
    await waitUntilTasksRunning(waiter(s), { cluster, tasks: [arn] });
    const pod = await podOf(namespace, arn);
    t.is(pod.status?.phase, 'Running');
    t.is(pod.metadata?.labels?.['kecs.dev/task-id'], taskId(arn));
    t.is(pod.spec?.containers[0].image, 'registry.local/app:1');

    await s.ecs.send(new StopTaskCommand({ cluster, task: arn, reason: 'e2e done' }));
    await waitUntilTasksStopped(waiter(s), { cluster, tasks: [arn] });
    await podGone(namespace, arn);
    const task = (await s.ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks![0];
    t.is(task.stopCode, 'UserInitiated');
    t.is(task.stoppedReason, 'e2e done');
    await s.ecs.send(new DeleteClusterCommand({ cluster }));
    await waitFor(`namespace ${namespace} gone`, () => core.readNamespace({ name: namespace }).then(() => false, (err) => isNotFound(err)), { timeoutMs: 90_000 });
  });

  test.serial('a Pod deleted behind KECS’s back stops its task', async (t) => {
    const s = await kecs(t);
    const { cluster, namespace } = await setup(t, s);
    const arn = (await s.ecs.send(new RunTaskCommand({ cluster, taskDefinition: cluster }))).tasks![0].taskArn!;
    await waitUntilTasksRunning(waiter(s), { cluster, tasks: [arn] });
    await core.deleteNamespacedPod({ namespace, name: podNameFor(taskId(arn)), gracePeriodSeconds: 0 });
    await waitUntilTasksStopped(waiter(s), { cluster, tasks: [arn] });
    const task = (await s.ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks![0];
    t.is(task.lastStatus, 'STOPPED');
    t.truthy(task.stoppedReason);
  });

  test.serial('an essential container that exits stops the task with its exit code', async (t) => {
    const s = await kecs(t);
    const { cluster, namespace } = await setup(t, s);
    const arn = (await s.ecs.send(new RunTaskCommand({ cluster, taskDefinition: cluster }))).tasks![0].taskArn!;
    await waitUntilTasksRunning(waiter(s), { cluster, tasks: [arn] });
    // kwok cannot make a container exit: report what a kubelet would, through the status subresource.
    const pod = await podOf(namespace, arn);
    const name = pod.spec!.containers[0].name;
    const now = new Date().toISOString();
    await core.patchNamespacedPodStatus(
      {
        namespace,
        name: pod.metadata!.name!,
        body: {
          status: {
            phase: 'Failed',
            containerStatuses: [{
              name, image: pod.spec!.containers[0].image!, imageID: '', ready: false, restartCount: 0,
              state: { terminated: { exitCode: 7, reason: 'Error', startedAt: now as never, finishedAt: now as never } },
            }],
          },
        },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const task = await eventually(
      async () => (await s.ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks![0],
      (x) => x.lastStatus === 'STOPPED',
      90_000,
    );
    t.is(task.stopCode, 'EssentialContainerExited');
    t.is(task.containers![0].exitCode, 7);
  });

  test.serial('a restart of KECS while tasks run adopts them: same tasks, same Pods, no duplicates', async (t) => {
    const data = tempDataDir();
    t.teardown(() => removeDir(data));
    const first = await startServer({ runtime: 'kubernetes', kubeconfig: source.path, data });
    const { cluster, namespace } = await setup(t, first);
    const arns = (await first.ecs.send(new RunTaskCommand({ cluster, taskDefinition: cluster, count: 2 }))).tasks!.map((x) => x.taskArn!);
    await waitUntilTasksRunning(waiter(first), { cluster, tasks: arns });
    const uids = await Promise.all(arns.map(async (arn) => (await podOf(namespace, arn)).metadata!.uid));
    await first.close();

    const second = await kecs(t, data);
    const after = await second.ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }));
    t.deepEqual(after.tasks!.map((x) => x.lastStatus), ['RUNNING', 'RUNNING']);
    t.deepEqual((await second.ecs.send(new ListTasksCommand({ cluster }))).taskArns!.sort(), [...arns].sort());
    const pods = await core.listNamespacedPod({ namespace });
    t.deepEqual(pods.items.map((p) => p.metadata!.uid).sort(), [...uids].sort(), 'the same Pods, none added');
    await second.ecs.send(new StopTaskCommand({ cluster, task: arns[0] }));
    await waitUntilTasksStopped(waiter(second), { cluster, tasks: [arns[0]] });
  });
}
