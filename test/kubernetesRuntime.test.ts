/**
 * The Kubernetes runtime against a real control plane (scripts/k8s-up.sh): kwok plays the
 * kubelet, so Pods reach Running on a fake Node. What kwok cannot do (exit a container with
 * a code, fail an image pull) the tests report through the Pod status API, as a kubelet
 * would, and check the observation the runtime derives from it.
 *
 * Each run uses its own region, so its label selector sees only its own Pods even when
 * other test runs share the testbed. Needs KECS_TEST_KUBECONFIG (or KUBECONFIG): skipped
 * without one, except under CI, where that fails. The last test needs no cluster at all.
 */
import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { pino } from 'pino';
import { createKubernetesRuntime, DELETED_REASON, VANISHED_REASON } from '../kubernetes/kubernetesRuntime.ts';
import { LABEL, namespaceFor, podNameFor } from '../kubernetes/naming.ts';
import type { Runtime, TaskSpec } from '../kubernetes/runtime.ts';
import type { TaskObservation, TaskStatus } from '../machines/taskObservation.ts';
import {
  assertClusterReachable,
  fakeNodeNames,
  isNotFound,
  loadKubeConfig,
  uniqueName,
  waitFor,
  type TestKubeconfig,
  kubernetesTests,
} from './helpers/kubernetes.ts';

const IMAGE = 'registry.local/pause:1'; // kwok never pulls
const STEP_TIMEOUT_MS = 30_000;

/** Observations per task ARN, in arrival order, with a way to wait for one. */
function recordObservations(runtime: Runtime) {
  const seen = new Map<string, TaskObservation[]>();
  const unsubscribe = runtime.observe((arn, o) => {
    seen.set(arn, [...(seen.get(arn) ?? []), o]);
  });
  return {
    of: (arn: string) => seen.get(arn) ?? [],
    last: (arn: string) => seen.get(arn)?.at(-1),
    until: (arn: string, status: TaskStatus, timeoutMs = STEP_TIMEOUT_MS) =>
      waitFor(
        `task ${arn.split('/').at(-1)} to be observed ${status} (seen: ${(seen.get(arn) ?? []).map((o) => o.lastStatus).join(' → ') || 'nothing'})`,
        () => seen.get(arn)?.find((o) => o.lastStatus === status),
        { timeoutMs, intervalMs: 50 },
      ),
    unsubscribe,
  };
}

/** A pino logger whose lines land in `lines`, to check what the runtime logs. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

function taskSpec(region: string, clusterName: string, containers: Record<string, unknown>[], extra: Partial<TaskSpec> = {}): TaskSpec {
  const taskId = randomBytes(16).toString('hex');
  return {
    taskArn: `arn:aws:ecs:${region}:000000000000:task/${clusterName}/${taskId}`,
    taskId,
    clusterName,
    taskDefinition: {
      family: 'web',
      revision: 1,
      networkMode: 'awsvpc',
      containerDefinitions: containers.map((c) => ({ image: IMAGE, essential: true, ...c })),
    },
    ...extra,
  };
}

kubernetesTests('kubernetes runtime', registerTests);

function registerTests(source: TestKubeconfig) {
  // Region and cluster are unique per run; the region scopes the runtime's label selector.
  const region = uniqueName('t');
  const clusterName = 'Runtime_Test';
  const namespace = namespaceFor(region, clusterName);
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let runtime: Runtime;
  let observed: ReturnType<typeof recordObservations>;
  const logs = capturingLogger();

  const start = (logger = logs.logger) =>
    createKubernetesRuntime({ kubeconfig: source.path, region, logger, retry: { attempts: 4, baseDelayMs: 50 }, resyncIntervalMs: 2_000 });

  const podOf = (spec: TaskSpec) => core.readNamespacedPod({ namespace, name: podNameFor(spec.taskId) });
  const podsOf = async (spec: TaskSpec) =>
    (await core.listNamespacedPod({ namespace, labelSelector: `${LABEL.taskId}=${spec.taskId}` })).items;
  const podGone = (spec: TaskSpec) =>
    waitFor(`Pod of ${spec.taskId} to be gone`, async () => (await podsOf(spec)).length === 0, { timeoutMs: STEP_TIMEOUT_MS });

  /** Reports a container state as a kubelet would, through the status subresource. */
  async function reportContainers(spec: TaskSpec, statuses: k8s.V1ContainerStatus[], phase?: string) {
    const pod = await podOf(spec);
    const byName = new Map(statuses.map((s) => [s.name, s]));
    const containerStatuses = (pod.spec?.containers ?? []).map(
      (c) =>
        byName.get(c.name) ??
        pod.status?.containerStatuses?.find((s) => s.name === c.name) ?? {
          name: c.name,
          image: c.image!,
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'ContainerCreating' } },
        },
    );
    await core.patchNamespacedPodStatus(
      {
        namespace,
        name: podNameFor(spec.taskId),
        body: { status: { ...(phase && { phase }), containerStatuses } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  }

  test.before(async (t) => {
    kc = loadKubeConfig(source);
    t.log(`${source.from}=${source.path}: ${kc.getCurrentCluster()?.server} runs ${await assertClusterReachable(kc)}`);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await waitFor('a kwok fake node', async () => (await fakeNodeNames(kc)).length > 0);
    runtime = await start();
    observed = recordObservations(runtime);
  });

  test.after.always(async () => {
    await runtime?.close();
    if (!core) return;
    await core.deleteNamespace({ name: namespace }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  });

  test.serial('provisionCluster makes a labelled Namespace, and again is fine', async (t) => {
    await runtime.provisionCluster(clusterName);
    await runtime.provisionCluster(clusterName);
    const ns = await core.readNamespace({ name: namespace });
    t.is(ns.metadata?.labels?.['kecs.dev/managed'], 'true');
    t.is(ns.metadata?.labels?.[LABEL.region], region);
    t.is(ns.metadata?.annotations?.['kecs.dev/cluster-name'], clusterName);
  });

  const running = taskSpec(region, clusterName, [{ name: 'App', links: ['db'] }]);

  test.serial('startTask: the task is observed through PROVISIONING/PENDING to RUNNING', async (t) => {
    await runtime.startTask(running);
    const obs = await observed.until(running.taskArn, 'RUNNING');
    t.deepEqual(
      obs.containers?.map((c) => [c.name, c.lastStatus]),
      [['App', 'RUNNING']],
      'containers carry their ECS names',
    );
    const statuses = observed.of(running.taskArn).map((o) => o.lastStatus);
    t.log(`observed: ${statuses.join(' → ')}`);
    t.is(statuses.at(-1), 'RUNNING');
    t.is(new Set(statuses).size, statuses.length, 'each status is reported once');
  });

  test.serial('startTask twice is idempotent: one Pod, unsupported features logged once', async (t) => {
    await runtime.startTask(running);
    t.is((await podsOf(running)).length, 1);
    const notes = logs.lines.filter((l) => l.taskArn === running.taskArn && Array.isArray(l.unsupported));
    t.is(notes.length, 1, 'the unsupported `links` note is logged once');
    t.is(observed.last(running.taskArn)?.lastStatus, 'RUNNING');
  });

  test.serial('stopTask: the Pod is deleted and the task STOPPED; stopping again is fine', async (t) => {
    await runtime.stopTask(running, 1);
    await observed.until(running.taskArn, 'STOPPED');
    await podGone(running);
    await runtime.stopTask(running, 1); // 404: already stopped
    t.is(observed.last(running.taskArn)?.lastStatus, 'STOPPED');
    t.deepEqual(observed.last(running.taskArn)?.containers?.map((c) => c.lastStatus), ['STOPPED']);
    t.is(observed.last(running.taskArn)?.stopCode, undefined, 'the StopTask code and reason are the actor’s to give');
  });

  test.serial('a Pod deleted behind the runtime’s back: STOPPED', async (t) => {
    const spec = taskSpec(region, clusterName, [{ name: 'app' }]);
    await runtime.startTask(spec);
    await observed.until(spec.taskArn, 'RUNNING');
    await core.deleteNamespacedPod({ namespace, name: podNameFor(spec.taskId), gracePeriodSeconds: 0 });
    const stopped = await observed.until(spec.taskArn, 'STOPPED');
    t.is(stopped.stopCode, 'TerminationNotice');
    t.is(stopped.stoppedReason, DELETED_REASON);
  });

  const finished = (name: string, exitCode: number): k8s.V1ContainerStatus => ({
    name,
    image: IMAGE,
    imageID: '',
    ready: false,
    restartCount: 0,
    state: { terminated: { exitCode, reason: exitCode ? 'Error' : 'Completed', finishedAt: new Date() } },
  });

  test.serial('an essential container exits while another runs: the runtime stops the task, EssentialContainerExited', async (t) => {
    const spec = taskSpec(region, clusterName, [{ name: 'app' }, { name: 'logs', essential: false }, { name: 'proxy' }]);
    await runtime.startTask(spec);
    await observed.until(spec.taskArn, 'RUNNING');

    // A non-essential container exiting changes nothing but that container.
    await reportContainers(spec, [finished('logs', 0)]);
    await waitFor('logs to be observed STOPPED', () =>
      observed.last(spec.taskArn)?.containers?.some((c) => c.name === 'logs' && c.lastStatus === 'STOPPED'),
    );
    t.is(observed.last(spec.taskArn)?.lastStatus, 'RUNNING');

    // app exits; proxy still runs, so the runtime deletes the Pod to stop it.
    await reportContainers(spec, [finished('app', 3), finished('logs', 0)]);
    const stopping = await observed.until(spec.taskArn, 'STOPPING');
    t.is(stopping.stopCode, 'EssentialContainerExited');
    const stopped = await observed.until(spec.taskArn, 'STOPPED');
    await podGone(spec);
    t.is(stopped.stopCode, 'EssentialContainerExited', 'kept through the deletion');
    t.is(stopped.stoppedReason, 'Essential container in task exited');
    t.deepEqual(
      stopped.containers?.map((c) => [c.name, c.lastStatus, c.exitCode]),
      [
        ['app', 'STOPPED', 3],
        ['logs', 'STOPPED', 0],
        ['proxy', 'STOPPED', undefined],
      ],
    );
  });

  test.serial('a Pod that finished (phase Succeeded) is DEPROVISIONING, then deleted: STOPPED', async (t) => {
    const spec = taskSpec(region, clusterName, [{ name: 'app' }]);
    await runtime.startTask(spec);
    await observed.until(spec.taskArn, 'RUNNING');
    await reportContainers(spec, [finished('app', 0)], 'Succeeded');
    await observed.until(spec.taskArn, 'DEPROVISIONING');
    const stopped = await observed.until(spec.taskArn, 'STOPPED');
    await podGone(spec);
    t.is(stopped.stopCode, 'EssentialContainerExited');
    t.deepEqual(stopped.containers?.map((c) => [c.name, c.lastStatus, c.exitCode]), [['app', 'STOPPED', 0]]);
  });

  test.serial('an image pull failure: STOPPED with TaskFailedToStart and CannotPullContainerError', async (t) => {
    // A GPU no node has keeps the Pod unscheduled, out of kwok's hands, so the status this
    // test reports is not overwritten.
    const spec = taskSpec(region, clusterName, [{ name: 'app', resourceRequirements: [{ type: 'GPU', value: '1' }] }]);
    await runtime.startTask(spec);
    await observed.until(spec.taskArn, 'PROVISIONING');
    await reportContainers(spec, [
      {
        name: 'app',
        image: IMAGE,
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { waiting: { reason: 'ErrImagePull', message: 'pull access denied for registry.local/pause' } },
      },
    ]);
    const failed = await observed.until(spec.taskArn, 'STOPPED');
    t.is(failed.stopCode, 'TaskFailedToStart');
    t.is(failed.stoppedReason, 'CannotPullContainerError: pull access denied for registry.local/pause');
    await podGone(spec); // the runtime cleans up the Pod the kubelet would retry forever
    t.is(observed.last(spec.taskArn)?.stopCode, 'TaskFailedToStart');
    t.is(observed.of(spec.taskArn).filter((o) => o.lastStatus === 'STOPPED').length, 1, 'STOPPED is reported once');
  });

  test.serial('reconcile after a restart: adopts a running task, stops a vanished one, deletes an orphan', async (t) => {
    const adopted = taskSpec(region, clusterName, [{ name: 'app' }]);
    const orphan = taskSpec(region, clusterName, [{ name: 'app' }]);
    const vanished = taskSpec(region, clusterName, [{ name: 'app' }]);
    await runtime.startTask(adopted);
    await runtime.startTask(orphan);
    await observed.until(adopted.taskArn, 'RUNNING');
    await observed.until(orphan.taskArn, 'RUNNING');

    // "Restart": a new runtime that knows the adopted and the vanished task only.
    await runtime.close();
    runtime = await start();
    observed = recordObservations(runtime);
    await runtime.reconcile([adopted, vanished]);

    t.is(observed.last(adopted.taskArn)?.lastStatus, 'RUNNING', 'the adopted task reports where it is');
    t.is((await podsOf(adopted)).length, 1, 'adopted, not duplicated');
    const gone = observed.last(vanished.taskArn);
    t.is(gone?.lastStatus, 'STOPPED');
    t.is(gone?.stoppedReason, VANISHED_REASON);
    t.is(gone?.stopCode, 'TerminationNotice');
    await podGone(orphan);
    t.true(isNotFound(await t.throwsAsync(podOf(orphan))));

    // Re-applying the adopted task's start after the restart changes nothing.
    await runtime.startTask(adopted);
    t.is((await podsOf(adopted)).length, 1);
    t.is((await podOf(adopted)).status?.phase, 'Running');
  });

  test.serial('deprovisionCluster removes the Namespace, and its tasks stop', async (t) => {
    t.timeout(STEP_TIMEOUT_MS * 3);
    const spec = taskSpec(region, clusterName, [{ name: 'app' }]);
    await runtime.startTask(spec);
    await observed.until(spec.taskArn, 'RUNNING');
    await runtime.deprovisionCluster(clusterName);
    await runtime.deprovisionCluster(clusterName); // already going: fine
    await observed.until(spec.taskArn, 'STOPPED', STEP_TIMEOUT_MS * 2);
    await waitFor(
      `Namespace ${namespace} to be gone`,
      () => core.readNamespace({ name: namespace }).then(() => false, (err) => isNotFound(err)),
      { timeoutMs: STEP_TIMEOUT_MS * 2 },
    );
    t.pass();
  });
}

/** A kubeconfig file for `server`, with no credentials, removed when the test ends. */
function kubeconfigFor(t: ExecutionContext, server: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kecs-k8s-fake-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'kubeconfig');
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // Plain HTTP, which the client allows only with TLS verification off.
      clusters: [{ name: 'fake', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'nobody', user: {} }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'nobody' } }],
      'current-context': 'fake',
    }),
  );
  return path;
}

test('the informer restarts after a failed watch and re-lists after 410 Gone, reporting Pods deleted meanwhile', async (t) => {
  // A scripted API server: the list and watch of Pods are all the informer needs.
  const spec = taskSpec('us-east-1', 'default', [{ name: 'app' }]);
  const pod = (extra: Partial<k8s.V1ObjectMeta> = {}): k8s.V1Pod => ({
    metadata: {
      name: podNameFor(spec.taskId),
      namespace: 'kecs-us-east-1-default',
      resourceVersion: '5',
      annotations: { 'kecs.dev/task-arn': spec.taskArn },
      ...extra,
    },
    spec: { nodeName: 'node-0', containers: [{ name: 'app', image: IMAGE }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        { name: 'app', image: IMAGE, imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: new Date() } } },
      ],
    },
  });
  let listed: k8s.V1Pod[] = [pod()];
  let listVersion = '10';
  const requests: string[] = [];
  let watchStream: ServerResponse | undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const watching = url.searchParams.get('watch') === 'true';
    requests.push(watching ? `watch@${url.searchParams.get('resourceVersion')}` : 'list');
    if (url.pathname !== '/api/v1/pods') return void res.writeHead(404).end('{}');
    if (!watching) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: listVersion }, items: listed }));
    }
    if (requests.filter((r) => r.startsWith('watch')).length === 1) return void res.writeHead(500).end('{}');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    watchStream = res;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const { logger, lines } = capturingLogger();
  const runtime = await createKubernetesRuntime({
    kubeconfig: kubeconfigFor(t, `http://127.0.0.1:${port}`),
    region: 'us-east-1',
    logger,
    retry: { baseDelayMs: 20 },
    resyncIntervalMs: 60_000,
  });
  const observed = recordObservations(runtime);
  try {
    await observed.until(spec.taskArn, 'RUNNING', 5_000);
    // The first watch got a 500: the informer was restarted and resumed where it was.
    await waitFor('a second watch', () => watchStream, { timeoutMs: 5_000, intervalMs: 10 });
    t.true(lines.some((l) => l.msg === 'Pod informer failed; restarting'));
    t.deepEqual(requests, ['list', 'watch@10', 'watch@10']);

    const deleting = pod({ resourceVersion: '11', deletionTimestamp: new Date() });
    watchStream!.write(`${JSON.stringify({ type: 'MODIFIED', object: deleting })}\n`);
    await observed.until(spec.taskArn, 'DEACTIVATING', 5_000);

    // The Pod goes while the watch is expiring: only the re-list can tell.
    listed = [];
    listVersion = '20';
    watchStream!.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } })}\n`);
    await observed.until(spec.taskArn, 'STOPPED', 5_000);
    t.deepEqual(requests.slice(3), ['list', 'watch@20']);
  } finally {
    await runtime.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('with no API server: startTask reports TaskFailedToStart after bounded retries, nothing crashes', async (t) => {
  const kubeconfig = kubeconfigFor(t, 'http://127.0.0.1:9'); // nothing listens there
  const { logger, lines } = capturingLogger();
  const runtime = await createKubernetesRuntime({ kubeconfig, region: 'us-east-1', logger, retry: { attempts: 3, baseDelayMs: 10 } });
  const observed = recordObservations(runtime);
  const spec = taskSpec('us-east-1', 'default', [{ name: 'app' }]);
  await runtime.startTask(spec);
  const failed = observed.last(spec.taskArn);
  t.is(failed?.lastStatus, 'STOPPED');
  t.is(failed?.stopCode, 'TaskFailedToStart');
  t.regex(failed?.stoppedReason ?? '', /^ResourceInitializationError: could not create the Pod/);
  await runtime.stopTask(spec, 1); // logs, does not throw
  await runtime.reconcile([spec]); // logs, does not throw
  await t.throwsAsync(runtime.provisionCluster('default')); // the caller's to handle
  await waitFor('the informer to report its failure', () => lines.some((l) => l.msg === 'Pod informer failed; restarting'), {
    timeoutMs: 5_000,
  });
  await runtime.close();
});
