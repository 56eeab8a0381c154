import test from 'ava';
import type { V1Container, V1SecurityContext } from '@kubernetes/client-node';
import { convertDefinition, type Json } from './helpers/conversion.ts';

// Volumes, mount points, volumesFrom, linuxParameters and the security context, name
// folding, and the pod-wide settings ECS spells per container.

const convert = (containerDefinitions: Json[], taskDefinition: Json = {}) =>
  convertDefinition({ ...taskDefinition, containerDefinitions });

const app = (fields: Json = {}) => ({ name: 'app', image: 'app:1', essential: true, ...fields });
const containerNamed = (result: ReturnType<typeof convert>, name: string): V1Container =>
  [...(result.pod.spec!.initContainers ?? []), ...result.pod.spec!.containers].find((c) => c.name === name)!;
const hasNote = (result: ReturnType<typeof convert>, pattern: RegExp) => result.unsupported.some((n) => pattern.test(n));

const volumeCases: { title: string; volume: Json; source: Json; note?: RegExp }[] = [
  { title: 'a host sourcePath is a hostPath', volume: { name: 'data', host: { sourcePath: '/var/data' } }, source: { hostPath: { path: '/var/data', type: 'DirectoryOrCreate' } } },
  { title: 'no host is a task-scoped scratch volume: emptyDir', volume: { name: 'data' }, source: { emptyDir: {} } },
  { title: 'a host without sourcePath is Docker-managed: emptyDir', volume: { name: 'data', host: {} }, source: { emptyDir: {} } },
  {
    title: 'a task-scoped Docker volume is an emptyDir',
    volume: { name: 'data', dockerVolumeConfiguration: { scope: 'task', driver: 'local' } },
    source: { emptyDir: {} },
  },
  {
    title: 'a shared Docker volume is an emptyDir, reported',
    volume: { name: 'data', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true } },
    source: { emptyDir: {} },
    note: /^volumes\[data\]\.dockerVolumeConfiguration\.scope: shared/,
  },
  {
    title: 'another Docker volume driver is reported',
    volume: { name: 'data', dockerVolumeConfiguration: { scope: 'task', driver: 'rexray/ebs' } },
    source: { emptyDir: {} },
    note: /driver: 'rexray\/ebs' is not supported/,
  },
  {
    title: 'EFS is reported and replaced by an emptyDir',
    volume: { name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-1234' } },
    source: { emptyDir: {} },
    note: /^volumes\[data\]\.efsVolumeConfiguration: EFS is not reachable.*emptyDir/,
  },
  {
    title: 'FSx for Windows is reported and replaced by an emptyDir',
    volume: { name: 'data', fsxWindowsFileServerVolumeConfiguration: { fileSystemId: 'fs-1', rootDirectory: '/', authorizationConfig: {} } },
    source: { emptyDir: {} },
    note: /^volumes\[data\]\.fsxWindowsFileServerVolumeConfiguration: FSx/,
  },
  { title: 'EBS configured at launch is reported', volume: { name: 'data', configuredAtLaunch: true }, source: { emptyDir: {} }, note: /configuredAtLaunch: EBS/ },
];

for (const c of volumeCases) {
  test(`volumes: ${c.title}`, (t) => {
    const result = convert([app({ mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] })], { volumes: [c.volume] });
    t.deepEqual(result.pod.spec!.volumes, [{ name: 'data', ...c.source }]);
    t.deepEqual(result.pod.spec!.containers[0].volumeMounts, [{ name: 'data', mountPath: '/data' }]);
    if (c.note) t.true(hasNote(result, c.note), result.unsupported.join('\n'));
    else t.deepEqual(result.unsupported, []);
  });
}

test('mount points: readOnly carries over, a missing volume is reported and skipped', (t) => {
  const result = convert(
    [app({ mountPoints: [{ sourceVolume: 'conf', containerPath: '/etc/app', readOnly: true }, { sourceVolume: 'nope', containerPath: '/x' }] })],
    { volumes: [{ name: 'conf' }] },
  );
  t.deepEqual(result.pod.spec!.containers[0].volumeMounts, [{ name: 'conf', mountPath: '/etc/app', readOnly: true }]);
  t.true(hasNote(result, /^containerDefinitions\[app\]\.mountPoints\[nope\]: no such volume/));
});

test('volumesFrom: the source container\'s mounts, read-only when asked, transitively', (t) => {
  const result = convert(
    [
      app({ name: 'web', mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] }),
      app({ name: 'reader', volumesFrom: [{ sourceContainer: 'web', readOnly: true }] }),
      app({ name: 'copy', volumesFrom: [{ sourceContainer: 'web' }] }),
      app({ name: 'chain', volumesFrom: [{ sourceContainer: 'reader' }], mountPoints: [{ sourceVolume: 'logs', containerPath: '/logs' }] }),
    ],
    { volumes: [{ name: 'data' }, { name: 'logs' }] },
  );
  t.deepEqual(containerNamed(result, 'reader').volumeMounts, [{ name: 'data', mountPath: '/data', readOnly: true }]);
  t.deepEqual(containerNamed(result, 'copy').volumeMounts, [{ name: 'data', mountPath: '/data' }]);
  t.deepEqual(containerNamed(result, 'chain').volumeMounts, [
    { name: 'logs', mountPath: '/logs' },
    { name: 'data', mountPath: '/data', readOnly: true },
  ]);
});

test('volumesFrom: a cycle terminates and a missing source is reported', (t) => {
  const result = convert(
    [
      app({ name: 'a', volumesFrom: [{ sourceContainer: 'b' }], mountPoints: [{ sourceVolume: 'v', containerPath: '/a' }] }),
      app({ name: 'b', volumesFrom: [{ sourceContainer: 'a' }, { sourceContainer: 'ghost' }] }),
    ],
    { volumes: [{ name: 'v' }] },
  );
  t.deepEqual(containerNamed(result, 'b').volumeMounts, [{ name: 'v', mountPath: '/a' }]);
  t.true(hasNote(result, /^containerDefinitions\[b\]\.volumesFrom\[ghost\]: no such container/));
});

test('volumesFrom: a path mounted twice is kept once, the own mount first', (t) => {
  const result = convert(
    [
      app({ name: 'web', mountPoints: [{ sourceVolume: 'a', containerPath: '/data' }] }),
      app({ name: 'side', mountPoints: [{ sourceVolume: 'b', containerPath: '/data' }], volumesFrom: [{ sourceContainer: 'web' }] }),
    ],
    { volumes: [{ name: 'a' }, { name: 'b' }] },
  );
  t.deepEqual(containerNamed(result, 'side').volumeMounts, [{ name: 'b', mountPath: '/data' }]);
  t.true(hasNote(result, /\/data is mounted twice/));
});

test('linuxParameters: sharedMemorySize and tmpfs are memory-backed emptyDirs', (t) => {
  const result = convert([
    app({ linuxParameters: { sharedMemorySize: 256, tmpfs: [{ containerPath: '/tmp', size: 64 }, { containerPath: '/run', size: 8, mountOptions: ['noexec'] }] } }),
  ]);
  t.deepEqual(result.pod.spec!.volumes, [
    { name: 'app-shm', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } },
    { name: 'app-tmpfs-0', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    { name: 'app-tmpfs-1', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
  ]);
  t.deepEqual(result.pod.spec!.containers[0].volumeMounts, [
    { name: 'app-shm', mountPath: '/dev/shm' },
    { name: 'app-tmpfs-0', mountPath: '/tmp' },
    { name: 'app-tmpfs-1', mountPath: '/run' },
  ]);
  t.deepEqual(result.unsupported, ['containerDefinitions[app].linuxParameters.tmpfs[/run].mountOptions: not supported on Kubernetes']);
});

test('linuxParameters: generated volume names do not collide with task volumes', (t) => {
  const result = convert([app({ linuxParameters: { sharedMemorySize: 64 } })], { volumes: [{ name: 'app-shm' }] });
  t.deepEqual(result.pod.spec!.volumes!.map((v) => v.name), ['app-shm', 'app-shm-2']);
});

const securityCases: { title: string; container: Json; context: V1SecurityContext | undefined; note?: RegExp }[] = [
  { title: 'nothing set, no security context', container: {}, context: undefined },
  { title: 'a numeric user', container: { user: '1000' }, context: { runAsUser: 1000 } },
  { title: 'uid:gid', container: { user: '1000:2000' }, context: { runAsUser: 1000, runAsGroup: 2000 } },
  { title: 'a user name is reported', container: { user: 'nginx' }, context: undefined, note: /^containerDefinitions\[app\]\.user: 'nginx' is not numeric/ },
  { title: 'a uid with a group name is reported', container: { user: '1000:staff' }, context: undefined, note: /user: '1000:staff'/ },
  { title: 'privileged', container: { privileged: true }, context: { privileged: true } },
  { title: 'read-only root filesystem', container: { readonlyRootFilesystem: true }, context: { readOnlyRootFilesystem: true } },
  { title: 'false flags are left out', container: { privileged: false, readonlyRootFilesystem: false }, context: undefined },
  {
    title: 'capabilities add and drop',
    container: { linuxParameters: { capabilities: { add: ['NET_ADMIN', 'CAP_SYS_TIME'], drop: ['ALL'] } } },
    context: { capabilities: { add: ['NET_ADMIN', 'SYS_TIME'], drop: ['ALL'] } },
  },
  { title: 'no-new-privileges', container: { dockerSecurityOptions: ['no-new-privileges'] }, context: { allowPrivilegeEscalation: false } },
  {
    title: 'no-new-privileges next to privileged is reported, since the API server refuses both',
    container: { privileged: true, dockerSecurityOptions: ['no-new-privileges:true'] },
    context: { privileged: true },
    note: /dockerSecurityOptions\[no-new-privileges:true\]: conflicts/,
  },
  { title: 'other Docker security options are reported', container: { dockerSecurityOptions: ['label:type:x'] }, context: undefined, note: /dockerSecurityOptions\[label:type:x\]: not supported/ },
];

for (const c of securityCases) {
  test(`security context: ${c.title}`, (t) => {
    const result = convert([app(c.container)]);
    t.deepEqual(result.pod.spec!.containers[0].securityContext, c.context);
    if (c.note) t.true(hasNote(result, c.note), result.unsupported.join('\n'));
    else t.deepEqual(result.unsupported, []);
  });
}

const noteCases: { title: string; container: Json; note: RegExp }[] = [
  { title: 'ulimits', container: { ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 4096 }] }, note: /^containerDefinitions\[app\]\.ulimits: not supported/ },
  { title: 'links', container: { links: ['db'] }, note: /^containerDefinitions\[app\]\.links: not supported on Kubernetes/ },
  { title: 'logConfiguration', container: { logConfiguration: { logDriver: 'awslogs' } }, note: /logConfiguration: not applied/ },
  { title: 'firelensConfiguration', container: { firelensConfiguration: { type: 'fluentbit' } }, note: /firelensConfiguration: not supported/ },
  { title: 'disableNetworking', container: { disableNetworking: true }, note: /disableNetworking: not supported/ },
  { title: 'startTimeout', container: { startTimeout: 120 }, note: /startTimeout: not supported/ },
  { title: 'initProcessEnabled', container: { linuxParameters: { initProcessEnabled: true } }, note: /linuxParameters\.initProcessEnabled: no init process/ },
  { title: 'devices', container: { linuxParameters: { devices: [{ hostPath: '/dev/fuse' }] } }, note: /linuxParameters\.devices:/ },
  { title: 'swap', container: { linuxParameters: { maxSwap: 512, swappiness: 10 } }, note: /linuxParameters\.maxSwap:/ },
  { title: 'a field KECS does not know', container: { gpuMagic: true }, note: /^containerDefinitions\[app\]\.gpuMagic: not understood by KECS/ },
  { title: 'a linuxParameters field KECS does not know', container: { linuxParameters: { hugePages: 2 } }, note: /^containerDefinitions\[app\]\.linuxParameters\.hugePages: not understood/ },
  { title: 'image digests are not pinned', container: { versionConsistency: 'enabled' }, note: /versionConsistency: the image tag is not pinned/ },
];

for (const c of noteCases) {
  test(`reported: ${c.title}`, (t) => {
    const result = convert([app(c.container)]);
    t.true(hasNote(result, c.note), result.unsupported.join('\n'));
  });
}

const taskNoteCases: { title: string; task: Json; note: RegExp }[] = [
  { title: 'placement constraints', task: { placementConstraints: [{ type: 'memberOf', expression: 'attribute:x == y' }] }, note: /^placementConstraints: not applied/ },
  { title: 'a proxy configuration', task: { proxyConfiguration: { type: 'APPMESH', containerName: 'envoy' } }, note: /^proxyConfiguration:/ },
  { title: 'a runtime platform', task: { runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' } }, note: /^runtimePlatform: not enforced/ },
  { title: 'networkMode none', task: { networkMode: 'none' }, note: /^networkMode: none/ },
  { title: 'a task definition field KECS does not know', task: { futureField: { x: 1 } }, note: /^taskDefinition\.futureField: not understood/ },
];

for (const c of taskNoteCases) {
  test(`reported: ${c.title}`, (t) => {
    t.true(hasNote(convert([app()], c.task), c.note));
  });
}

test('reported: nothing for a plain, normalized definition', (t) => {
  const normalized = app({ cpu: 0, portMappings: [], environment: [], mountPoints: [], volumesFrom: [], systemControls: [] });
  const task = { taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1', status: 'ACTIVE', compatibilities: ['EC2'], placementConstraints: [], volumes: [], registeredBy: 'x' };
  t.deepEqual(convert([normalized], task).unsupported, []);
});

const nameCases: { title: string; ecs: string; k8s: RegExp }[] = [
  { title: 'a DNS label stays as it is', ecs: 'web-1', k8s: /^web-1$/ },
  { title: 'upper case and underscores fold, with a hash', ecs: 'Web_App', k8s: /^web-app-[0-9a-f]{8}$/ },
  { title: 'leading and trailing punctuation is trimmed', ecs: '_app_', k8s: /^app-[0-9a-f]{8}$/ },
  { title: 'long names are cut to 63', ecs: 'A'.repeat(255), k8s: /^a{54}-[0-9a-f]{8}$/ },
  { title: 'nothing usable left', ecs: '___', k8s: /^x-[0-9a-f]{8}$/ },
];

for (const c of nameCases) {
  test(`names: ${c.title}`, (t) => {
    const result = convert([app({ name: c.ecs, mountPoints: [{ sourceVolume: c.ecs, containerPath: '/v' }] })], { volumes: [{ name: c.ecs }] });
    const container = result.pod.spec!.containers[0];
    t.regex(container.name, c.k8s);
    t.regex(result.pod.spec!.volumes![0].name, c.k8s);
    t.is(container.volumeMounts![0].name, result.pod.spec!.volumes![0].name);
    const annotations = result.pod.metadata!.annotations!;
    t.deepEqual(JSON.parse(annotations['kecs.dev/container-names']), { [container.name]: c.ecs });
    t.deepEqual(JSON.parse(annotations['kecs.dev/volume-names']), { [container.name]: c.ecs });
  });
}

test('names: "App" and "app" stay apart', (t) => {
  const names = convert([app({ name: 'App' }), app({ name: 'app' })]).pod.spec!.containers.map((c) => c.name);
  t.is(new Set(names).size, 2);
  t.is(names[1], 'app');
});

test('pod-wide: extraHosts become hostAliases grouped by address', (t) => {
  const result = convert([
    app({ name: 'a', extraHosts: [{ hostname: 'db', ipAddress: '10.0.0.5' }, { hostname: 'cache', ipAddress: '10.0.0.6' }] }),
    app({ name: 'b', extraHosts: [{ hostname: 'db.internal', ipAddress: '10.0.0.5' }, { hostname: 'db', ipAddress: '10.0.0.5' }] }),
  ]);
  t.deepEqual(result.pod.spec!.hostAliases, [
    { ip: '10.0.0.5', hostnames: ['db', 'db.internal'] },
    { ip: '10.0.0.6', hostnames: ['cache'] },
  ]);
});

test('pod-wide: dnsServers replace the cluster resolver, search domains add to it', (t) => {
  const own = convert([app({ dnsServers: ['1.1.1.1'], dnsSearchDomains: ['corp.example'] })]).pod.spec!;
  t.is(own.dnsPolicy, 'None');
  t.deepEqual(own.dnsConfig, { nameservers: ['1.1.1.1'], searches: ['corp.example'] });
  const searchOnly = convert([app({ dnsSearchDomains: ['corp.example'] })]).pod.spec!;
  t.is(searchOnly.dnsPolicy, undefined);
  t.deepEqual(searchOnly.dnsConfig, { searches: ['corp.example'] });
});

test('pod-wide: namespaced systemControls become sysctls, others are reported', (t) => {
  const result = convert([
    app({ systemControls: [{ namespace: 'net.core.somaxconn', value: '1024' }, { namespace: 'kernel.shmmax', value: '68719476736' }, { namespace: 'vm.swappiness', value: '0' }] }),
  ]);
  t.deepEqual(result.pod.spec!.securityContext, {
    sysctls: [{ name: 'net.core.somaxconn', value: '1024' }, { name: 'kernel.shmmax', value: '68719476736' }],
  });
  t.true(hasNote(result, /systemControls\[vm\.swappiness\]: not a namespaced sysctl/));
});

test('pod-wide: net.* sysctls are reported with host networking', (t) => {
  const result = convert([app({ systemControls: [{ namespace: 'net.core.somaxconn', value: '1024' }] })], { networkMode: 'host' });
  t.is(result.pod.spec!.securityContext, undefined);
  t.true(hasNote(result, /net\.\* sysctls cannot be set with host networking/));
});

test('pod-wide: hostname, if it is a DNS label', (t) => {
  t.is(convert([app({ hostname: 'web' })]).pod.spec!.hostname, 'web');
  const dotted = convert([app({ hostname: 'web.example.com' })]);
  t.is(dotted.pod.spec!.hostname, undefined);
  t.true(hasNote(dotted, /hostname: 'web\.example\.com' is not a DNS label/));
});

test('pod-wide: pidMode and ipcMode', (t) => {
  const host = convert([app()], { pidMode: 'host', ipcMode: 'host' }).pod.spec!;
  t.true(host.hostPID);
  t.true(host.hostIPC);
  const task = convert([app()], { pidMode: 'task', ipcMode: 'task' }).pod.spec!;
  t.true(task.shareProcessNamespace);
  t.is(task.hostIPC, undefined);
});

test('pod-wide: repositoryCredentials name an imagePullSecret, and are reported', (t) => {
  const arn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:registry-AbCdEf';
  const result = convert([app({ repositoryCredentials: { credentialsParameter: arn } })]);
  const [secret] = result.pod.spec!.imagePullSecrets!;
  t.regex(secret.name!, /^kecs-pull-registry-abcdef-[0-9a-f]{8}$/);
  t.deepEqual(JSON.parse(result.pod.metadata!.annotations!['kecs.dev/image-pull-secrets']), { [secret.name!]: arn });
  t.true(hasNote(result, /repositoryCredentials: .*imagePullSecret/));
});

test('pod-wide: dockerLabels are kept in one annotation', (t) => {
  const result = convert([app({ dockerLabels: { 'com.example.team': 'web', 'Weird Key!': 'x' } })]);
  t.deepEqual(JSON.parse(result.pod.metadata!.annotations!['kecs.dev/docker-labels']), { app: { 'com.example.team': 'web', 'Weird Key!': 'x' } });
});
