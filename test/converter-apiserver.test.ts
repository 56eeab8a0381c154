/**
 * The converter's Pods are valid to a real API server: each rich task definition below
 * is converted and created with server-side dry run (full validation and defaulting,
 * nothing stored). Fields the server would drop silently when a feature is off
 * (Pod-level resources, container restart rules) are checked in its answer.
 *
 * Needs KECS_TEST_KUBECONFIG (or KUBECONFIG). Without one it is skipped, except under CI,
 * where that means the testbed was not started and the run fails.
 */
import test from 'ava';
import * as k8s from '@kubernetes/client-node';
import { convertTask } from '../kubernetes/converter.ts';
import { annotationsFor, labelsFor, podNameFor } from '../kubernetes/naming.ts';
import type { TaskSpec } from '../kubernetes/runtime.ts';
import {
  assertClusterReachable,
  describeError,
  isNotFound,
  loadKubeConfig,
  uniqueName,
  waitFor,
  type TestKubeconfig,
  kubernetesTests,
} from './helpers/kubernetes.ts';

type Json = Record<string, unknown>;

const IMAGE = 'registry.local/app:1';
/** The client answers with model class instances; compare their JSON. */
const plain = (value: unknown) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db-AbCdEf:password::';

const definitions: { title: string; taskDefinition: Json; overrides?: Json; check?: (pod: k8s.V1Pod, t: import('ava').ExecutionContext) => void }[] = [
  {
    title: 'a Fargate web service: sidecars, init work, secrets, volumes, probes, names to fold',
    taskDefinition: {
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '1024',
      memory: '2048',
      taskRoleArn: 'arn:aws:iam::000000000000:role/web',
      executionRoleArn: 'arn:aws:iam::000000000000:role/exec',
      ephemeralStorage: { sizeInGiB: 30 },
      volumes: [
        { name: 'Shared_Data' },
        { name: 'host-logs', host: { sourcePath: '/var/log/web' } },
        { name: 'efs-assets', efsVolumeConfiguration: { fileSystemId: 'fs-12345678', rootDirectory: '/' } },
        { name: 'cache', dockerVolumeConfiguration: { scope: 'task', driver: 'local' } },
      ],
      containerDefinitions: [
        {
          name: 'Web_App',
          image: IMAGE,
          essential: true,
          cpu: 512,
          memory: 1024,
          memoryReservation: 512,
          entryPoint: ['/bin/web'],
          command: ['serve', '--port', '8080'],
          portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp', name: 'HTTP_Main', appProtocol: 'http' }, { containerPort: 8125, protocol: 'udp' }],
          environment: [{ name: 'MODE', value: 'prod' }, { name: 'EMPTY' }],
          environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::config-bucket/web.env' }],
          secrets: [{ name: 'DB_PASSWORD', valueFrom: SECRET_ARN }, { name: 'API_KEY', valueFrom: 'arn:aws:ssm:us-east-1:000000000000:parameter/web/api_key' }],
          healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'], interval: 10, timeout: 3, retries: 5, startPeriod: 30 },
          mountPoints: [
            { sourceVolume: 'Shared_Data', containerPath: '/data' },
            { sourceVolume: 'host-logs', containerPath: '/var/log/web' },
            { sourceVolume: 'efs-assets', containerPath: '/assets', readOnly: true },
          ],
          dependsOn: [
            { containerName: 'migrate', condition: 'SUCCESS' },
            { containerName: 'envoy', condition: 'HEALTHY' },
            { containerName: 'log_router', condition: 'START' },
          ],
          linuxParameters: {
            capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
            initProcessEnabled: true,
            sharedMemorySize: 128,
            tmpfs: [{ containerPath: '/tmp', size: 64, mountOptions: ['noexec'] }],
          },
          user: '1000:1000',
          workingDirectory: '/srv',
          readonlyRootFilesystem: true,
          stopTimeout: 90,
          ulimits: [{ name: 'nofile', softLimit: 65536, hardLimit: 65536 }],
          dockerLabels: { 'com.example.team': 'web' },
          logConfiguration: { logDriver: 'awsfirelens', options: { Name: 'cloudwatch' } },
          extraHosts: [{ hostname: 'db.internal', ipAddress: '10.0.0.5' }],
          dnsSearchDomains: ['corp.example'],
          systemControls: [{ namespace: 'net.core.somaxconn', value: '1024' }],
          restartPolicy: { enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: 60 },
          repositoryCredentials: { credentialsParameter: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:registry-AbCdEf' },
        },
        {
          name: 'envoy',
          image: IMAGE,
          essential: true,
          cpu: 128,
          memoryReservation: 128,
          healthCheck: { command: ['CMD', '/bin/check'], interval: 5 },
          portMappings: [{ containerPort: 9901, name: 'admin' }],
          volumesFrom: [{ sourceContainer: 'Web_App', readOnly: true }],
        },
        {
          name: 'log_router',
          image: IMAGE,
          essential: false,
          memoryReservation: 64,
          firelensConfiguration: { type: 'fluentbit' },
        },
        {
          name: 'migrate',
          image: IMAGE,
          essential: false,
          command: ['migrate', 'up'],
          memory: 256,
          healthCheck: { command: ['CMD', 'true'] },
          secrets: [{ name: 'DB_PASSWORD', valueFrom: SECRET_ARN }],
        },
      ],
    },
    overrides: {
      containerOverrides: [{ name: 'Web_App', command: ['serve', '--debug'], environment: [{ name: 'MODE', value: 'debug' }] }],
      taskRoleArn: 'arn:aws:iam::000000000000:role/override',
    },
    check: (pod, t) => {
      t.deepEqual(pod.spec?.resources?.limits, { cpu: '1', memory: '2Gi' }, 'Pod-level resources kept');
      const web = pod.spec?.containers.find((c) => c.name.startsWith('web-app-'));
      t.deepEqual(plain(web?.restartPolicyRules), [{ action: 'Restart', exitCodes: { operator: 'NotIn', values: [0] } }], 'restart rules kept');
      t.is(pod.spec?.initContainers?.length, 3);
      t.is(pod.spec?.initContainers?.find((c) => c.name === 'envoy')?.restartPolicy, 'Always');
    },
  },
  {
    title: 'an EC2 daemon on the host network: host ports, host PID/IPC, privileges, GPUs',
    taskDefinition: {
      networkMode: 'host',
      pidMode: 'host',
      ipcMode: 'host',
      containerDefinitions: [
        {
          name: 'agent',
          image: IMAGE,
          essential: true,
          cpu: 256,
          memory: 512,
          privileged: true,
          portMappings: [{ containerPort: 9100, hostPort: 9100, protocol: 'tcp', name: 'metrics' }],
          resourceRequirements: [{ type: 'GPU', value: '1' }],
          dockerSecurityOptions: ['no-new-privileges'],
          systemControls: [{ namespace: 'net.ipv4.ip_forward', value: '1' }, { namespace: 'kernel.shmmax', value: '1' }],
          dnsServers: ['10.0.0.2'],
          hostname: 'agent',
          interactive: true,
          pseudoTerminal: true,
        },
      ],
      volumes: [{ name: 'proc', host: { sourcePath: '/proc' } }],
    },
  },
  {
    title: 'a bridge-mode batch job: links, volumesFrom chains, shared PID namespace, overrides beyond the task size',
    taskDefinition: {
      networkMode: 'bridge',
      pidMode: 'task',
      cpu: '256',
      memory: '512',
      volumes: [{ name: 'work' }, { name: 'Shared', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true, driver: 'local' } }],
      containerDefinitions: [
        {
          name: 'Batch',
          image: IMAGE,
          essential: true,
          cpu: 128,
          memory: 256,
          links: ['db'],
          portMappings: [{ containerPort: 80, hostPort: 8080 }],
          mountPoints: [{ sourceVolume: 'work', containerPath: '/work' }, { sourceVolume: 'Shared', containerPath: '/shared' }],
          dockerSecurityOptions: ['no-new-privileges:true', 'label:type:batch_t'],
          user: 'batch',
          disableNetworking: false,
          startTimeout: 60,
          dependsOn: [{ containerName: 'db', condition: 'START' }],
        },
        { name: 'db', image: IMAGE, essential: false, memoryReservation: 128, volumesFrom: [{ sourceContainer: 'Batch' }] },
        { name: 'reader', image: IMAGE, essential: false, memoryReservation: 32, volumesFrom: [{ sourceContainer: 'db', readOnly: true }] },
      ],
    },
    overrides: { cpu: '512', memory: '1024', containerOverrides: [{ name: 'Batch', cpu: 1024, memory: 2048 }] },
    // Batch's override (1024 cpu, 2048 MiB) plus the db sidecar and reader reservations.
    check: (pod, t) => t.deepEqual(pod.spec?.resources?.limits, { cpu: '1', memory: '2208Mi' }, 'widened to what the containers need'),
  },
  {
    title: 'ten containers with 255-character names, a dependency cycle and tmpfs everywhere',
    taskDefinition: {
      containerDefinitions: Array.from({ length: 10 }, (_, i) => ({
        name: `Container_${i}_${'x'.repeat(243)}`.slice(0, 255),
        image: IMAGE,
        essential: i === 0,
        memory: 64,
        linuxParameters: { sharedMemorySize: 16, tmpfs: [{ containerPath: '/scratch', size: 8 }] },
        dependsOn: i === 1 ? [{ containerName: `Container_2_${'x'.repeat(243)}`.slice(0, 255) }] : i === 2 ? [{ containerName: `Container_1_${'x'.repeat(243)}`.slice(0, 255) }] : [],
      })),
    },
  },
  {
    title: 'a container with every optional field left at its normalized default',
    taskDefinition: {
      compatibilities: ['EC2'],
      placementConstraints: [],
      volumes: [],
      containerDefinitions: [
        { name: 'app', image: IMAGE, cpu: 0, essential: true, portMappings: [], environment: [], mountPoints: [], volumesFrom: [], systemControls: [], memoryReservation: 64 },
      ],
    },
  },
];

function registerTests(source: TestKubeconfig) {
  let core: k8s.CoreV1Api;
  const namespace = uniqueName('kecs-converter');

  test.before(async (t) => {
    const kc = loadKubeConfig(source);
    t.log(`${source.from}=${source.path}: ${kc.getCurrentCluster()?.server} runs ${await assertClusterReachable(kc)}`);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace, labels: { 'kecs.dev/test': 'converter-apiserver' } } } });
    // Pod admission needs the namespace's default ServiceAccount, which a controller adds.
    await waitFor(`the default ServiceAccount in ${namespace}`, () => core.readNamespacedServiceAccount({ namespace, name: 'default' }));
  });

  test.after.always(async () => {
    if (!core) return;
    await core.deleteNamespace({ name: namespace }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  });

  for (const [i, d] of definitions.entries()) {
    test(`dry run: ${d.title}`, async (t) => {
      const taskId = `${i}`.padStart(32, 'a');
      const spec: TaskSpec = {
        taskArn: `arn:aws:ecs:us-east-1:000000000000:task/converter/${taskId}`,
        taskId,
        clusterName: 'converter',
        taskDefinition: { family: 'converter-test', revision: i + 1, ...d.taskDefinition },
        overrides: d.overrides,
      };
      const { pod, unsupported } = convertTask({
        spec,
        namespace,
        podName: podNameFor(taskId),
        labels: labelsFor(spec, 'us-east-1'),
        annotations: annotationsFor(spec),
      });
      t.log(`${unsupported.length} notes:\n  ${unsupported.join('\n  ')}`);
      let created: k8s.V1Pod;
      try {
        created = await core.createNamespacedPod({ namespace, body: pod, dryRun: 'All' });
      } catch (err) {
        t.fail(`the API server refused the Pod: ${describeError(err)}\n${JSON.stringify(pod, null, 2)}`);
        return;
      }
      t.is(created.metadata?.name, pod.metadata?.name);
      t.deepEqual(
        created.spec?.containers.map((c) => c.name),
        pod.spec?.containers.map((c) => c.name),
      );
      d.check?.(created, t);
    });
  }
}

kubernetesTests('converter against the API server', registerTests);
