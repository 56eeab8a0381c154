/**
 * Proves the Kubernetes testbed (scripts/k8s-up.sh) is a working control plane: the
 * scheduler binds Pods to the kwok fake Node, kwok drives them to Running, the controller
 * manager turns a Deployment into a ReplicaSet and Pods, and deleting a Namespace
 * finalizes and takes everything in it along. Later Kubernetes-runtime tests rely on all
 * of that, so when this fails, fix the testbed first.
 *
 * Needs KECS_TEST_KUBECONFIG (or KUBECONFIG). Without one it is skipped, except under CI,
 * where that means the testbed was not started and the run fails.
 */
import test from 'ava';
import * as k8s from '@kubernetes/client-node';
import {
  assertClusterReachable,
  fakeNodeNames,
  isNotFound,
  loadKubeConfig,
  uniqueName,
  waitFor,
  watchUntil,
  type TestKubeconfig,
  kubernetesTests,
} from './helpers/kubernetes.ts';

// kwok never pulls images, so any well-formed reference will do.
const IMAGE = 'registry.local/pause:1';
const STEP_TIMEOUT_MS = 60_000;

kubernetesTests('kubernetes testbed', registerTests);

function isReady(pod: k8s.V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function registerTests(source: TestKubeconfig) {
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let fakeNodes: string[];
  // One namespace for the whole file: the last test deletes it and checks that its
  // contents, made by the tests before it, go too.
  const namespace = uniqueName('kecs-testbed');

  test.before(async (t) => {
    kc = loadKubeConfig(source);
    const version = await assertClusterReachable(kc);
    t.log(`${source.from}=${source.path}: ${kc.getCurrentCluster()?.server} runs ${version}`);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    fakeNodes = await waitFor('a Ready kwok fake node', async () => {
      const names = await fakeNodeNames(kc);
      const ready: string[] = [];
      for (const name of names) {
        const node = await core.readNode({ name });
        if (node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ready.push(name);
      }
      return ready.length > 0 && ready;
    });
    await core.createNamespace({
      body: { metadata: { name: namespace, labels: { 'kecs.dev/test': 'kubernetes-testbed' } } },
    });
  });

  test.after.always(async () => {
    // Only matters when a test failed before the deletion test ran.
    if (!core) return;
    await core.deleteNamespace({ name: namespace }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  });

  test.serial('a Pod is scheduled onto the fake node and reaches Running', async (t) => {
    const created = await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'solo', labels: { app: 'solo' } },
        spec: { containers: [{ name: 'main', image: IMAGE }], terminationGracePeriodSeconds: 1 },
      },
    });
    const started = Date.now();
    const running = await watchUntil<k8s.V1Pod, k8s.V1Pod>(
      kc,
      'pod solo to be Running',
      `/api/v1/namespaces/${namespace}/pods`,
      { fieldSelector: 'metadata.name=solo', resourceVersion: created.metadata?.resourceVersion },
      (type, pod) => type !== 'DELETED' && pod.status?.phase === 'Running' && isReady(pod) && pod,
      { timeoutMs: STEP_TIMEOUT_MS },
    );
    t.log(`Running on ${running.spec?.nodeName} with IP ${running.status?.podIP} after ${Date.now() - started} ms`);
    t.true(fakeNodes.includes(running.spec?.nodeName ?? ''), `bound to ${running.spec?.nodeName}`);
    t.truthy(running.status?.podIP);
    t.is(running.status?.containerStatuses?.[0]?.ready, true);
  });

  test.serial('a Deployment gets a ReplicaSet whose Pods run and become available', async (t) => {
    const labels = { app: 'web' };
    const created = await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'main', image: IMAGE }], terminationGracePeriodSeconds: 1 },
          },
        },
      },
    });

    // The Deployment reporting 2 available replicas means the ReplicaSet controller made
    // Pods, the scheduler bound them and kwok's readiness got back to the controllers.
    const available = await watchUntil<k8s.V1Deployment, k8s.V1Deployment>(
      kc,
      'deployment web to have 2 available replicas',
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
      { fieldSelector: 'metadata.name=web', resourceVersion: created.metadata?.resourceVersion },
      (type, d) => type !== 'DELETED' && (d.status?.availableReplicas ?? 0) >= 2 && d,
      { timeoutMs: STEP_TIMEOUT_MS },
    );
    t.is(available.status?.readyReplicas, 2);

    const replicaSets = await apps.listNamespacedReplicaSet({ namespace, labelSelector: 'app=web' });
    t.is(replicaSets.items.length, 1);
    const rs = replicaSets.items[0];
    t.is(rs.metadata?.ownerReferences?.[0]?.kind, 'Deployment');
    t.is(rs.metadata?.ownerReferences?.[0]?.uid, created.metadata?.uid);

    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
    t.is(pods.items.length, 2);
    for (const pod of pods.items) {
      t.is(pod.metadata?.ownerReferences?.[0]?.uid, rs.metadata?.uid, `${pod.metadata?.name} owned by the ReplicaSet`);
      t.is(pod.status?.phase, 'Running', `${pod.metadata?.name} phase`);
      t.true(fakeNodes.includes(pod.spec?.nodeName ?? ''), `${pod.metadata?.name} bound to ${pod.spec?.nodeName}`);
    }
  });

  test.serial('deleting the Namespace finalizes it and removes everything in it', async (t) => {
    t.timeout(STEP_TIMEOUT_MS * 2);
    const before = await core.listNamespacedPod({ namespace });
    t.true(before.items.length >= 3, `pods before deletion: ${before.items.length}`);
    const current = await core.readNamespace({ name: namespace });

    const started = Date.now();
    await core.deleteNamespace({ name: namespace });
    let sawTerminating = false;
    // Running Pods on a node need their "kubelet" (kwok) to confirm deletion, so the
    // namespace only finishes once kwok's pod-delete stage has done its part.
    await watchUntil(
      kc,
      `namespace ${namespace} to be deleted`,
      '/api/v1/namespaces',
      { fieldSelector: `metadata.name=${namespace}`, resourceVersion: current.metadata?.resourceVersion },
      (type, ns: k8s.V1Namespace) => {
        if (ns.status?.phase === 'Terminating') sawTerminating = true;
        return type === 'DELETED';
      },
      { timeoutMs: STEP_TIMEOUT_MS * 2 - 5_000 },
    );
    t.log(`namespace finalized in ${Date.now() - started} ms`);
    t.true(sawTerminating, 'namespace went through Terminating');

    const gone = await t.throwsAsync(core.readNamespace({ name: namespace }));
    t.true(isNotFound(gone), `reading the namespace afterwards: ${gone?.message}`);
    t.is((await core.listNamespacedPod({ namespace })).items.length, 0);
    t.is((await apps.listNamespacedDeployment({ namespace })).items.length, 0);
    t.is((await apps.listNamespacedReplicaSet({ namespace })).items.length, 0);
  });
}
