import test from 'ava';
import type { V1ContainerPort } from '@kubernetes/client-node';
import { convertDefinition, type Json } from './helpers/conversion.ts';

// cpu units → millicores, memory → requests/limits, task-level size → Pod-level resources,
// overrides of both, and port mappings.

const convert = convertDefinition;

const app = (fields: Json = {}) => ({ name: 'app', image: 'app:1', essential: true, cpu: 0, ...fields });

const containerCases: { title: string; container: Json; overrides?: Json; resources: unknown }[] = [
  { title: 'cpu 0 and no memory: no resources', container: {}, resources: undefined },
  { title: '1024 cpu units are 1000m, as a request only', container: { cpu: 1024 }, resources: { requests: { cpu: '1000m' } } },
  { title: '256 cpu units are 250m', container: { cpu: 256 }, resources: { requests: { cpu: '250m' } } },
  { title: '10 cpu units round to 10m', container: { cpu: 10 }, resources: { requests: { cpu: '10m' } } },
  { title: '1 cpu unit never rounds to 0', container: { cpu: 1 }, resources: { requests: { cpu: '1m' } } },
  { title: 'memory (hard) is the limit', container: { memory: 512 }, resources: { limits: { memory: '512Mi' } } },
  { title: 'memoryReservation (soft) is the request', container: { memoryReservation: 128 }, resources: { requests: { memory: '128Mi' } } },
  {
    title: 'both memories and cpu',
    container: { cpu: 512, memory: 1024, memoryReservation: 256 },
    resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { memory: '1024Mi' } },
  },
  {
    title: 'a GPU requirement is an nvidia.com/gpu limit',
    container: { resourceRequirements: [{ type: 'GPU', value: '2' }] },
    resources: { limits: { 'nvidia.com/gpu': '2' } },
  },
  {
    title: 'container overrides replace cpu and memories',
    container: { cpu: 256, memory: 512, memoryReservation: 128 },
    overrides: { containerOverrides: [{ name: 'app', cpu: 2048, memory: 4096, memoryReservation: 1024 }] },
    resources: { requests: { cpu: '2000m', memory: '1024Mi' }, limits: { memory: '4096Mi' } },
  },
  {
    title: 'a resourceRequirements override replaces the same type',
    container: { resourceRequirements: [{ type: 'GPU', value: '1' }] },
    overrides: { containerOverrides: [{ name: 'app', resourceRequirements: [{ type: 'GPU', value: '4' }] }] },
    resources: { limits: { 'nvidia.com/gpu': '4' } },
  },
];

for (const c of containerCases) {
  test(`container resources: ${c.title}`, (t) => {
    const result = convert({ containerDefinitions: [app(c.container)] }, c.overrides);
    t.deepEqual(result.pod.spec!.containers[0].resources, c.resources);
  });
}

test('container resources: an inference accelerator is reported', (t) => {
  const result = convert({ containerDefinitions: [app({ resourceRequirements: [{ type: 'InferenceAccelerator', value: 'device_1' }] })] });
  t.is(result.pod.spec!.containers[0].resources, undefined);
  t.true(result.unsupported.some((n) => n.startsWith('containerDefinitions[app].resourceRequirements[InferenceAccelerator]:')));
});

const bound = (cpu: string | undefined, memory: string | undefined) => {
  const side = { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) };
  return { requests: side, limits: side };
};

const taskCases: { title: string; task: Json; containers?: Json[]; overrides?: Json; resources: unknown; note?: RegExp }[] = [
  { title: 'no task size: no Pod-level resources', task: {}, resources: undefined },
  { title: 'task cpu and memory bound the Pod', task: { cpu: '1024', memory: '2048' }, resources: bound('1000m', '2048Mi') },
  { title: 'only task memory', task: { memory: '512' }, resources: bound(undefined, '512Mi') },
  { title: '"1 vCPU" and "2 GB" spellings', task: { cpu: '1 vCPU', memory: '2 GB' }, resources: bound('1000m', '2048Mi') },
  { title: '"0.25 vCPU"', task: { cpu: '0.25 vCPU', memory: '512' }, resources: bound('250m', '512Mi') },
  {
    title: 'overrides replace the task size',
    task: { cpu: '256', memory: '512' },
    overrides: { cpu: '2048', memory: '4096' },
    resources: bound('2000m', '4096Mi'),
  },
  {
    title: 'a task size below what an override makes the containers reserve is widened, and reported',
    task: { cpu: '256', memory: '512' },
    containers: [app({ cpu: 128, memory: 256 })],
    overrides: { containerOverrides: [{ name: 'app', cpu: 512, memory: 1024 }] },
    resources: bound('500m', '1024Mi'),
    note: /^cpu: the containers reserve/,
  },
  {
    title: 'sidecars count toward the reservation, run-to-completion init containers only at their peak',
    task: { memory: '300' },
    containers: [
      app({ memoryReservation: 100, dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }, { containerName: 'proxy', condition: 'START' }] }),
      { name: 'proxy', image: 'proxy:1', essential: true, memoryReservation: 100 },
      { name: 'init', image: 'init:1', essential: false, memoryReservation: 250 },
    ],
    // proxy (100) runs before init (250) in definition order: peak 350 > 100 + 100.
    resources: bound(undefined, '350Mi'),
    note: /^memory: the containers reserve/,
  },
];

for (const c of taskCases) {
  test(`task size: ${c.title}`, (t) => {
    const result = convert({ ...c.task, containerDefinitions: c.containers ?? [app()] }, c.overrides);
    t.deepEqual(result.pod.spec!.resources, c.resources);
    if (c.note) t.true(result.unsupported.some((n) => c.note!.test(n)), result.unsupported.join('\n'));
    else t.false(result.unsupported.some((n) => /^(cpu|memory):/.test(n)), result.unsupported.join('\n'));
  });
}

test('task size: ephemeral storage is reported, not enforced', (t) => {
  const result = convert({ containerDefinitions: [app()], ephemeralStorage: { sizeInGiB: 50 } });
  t.true(result.unsupported.some((n) => n.startsWith('ephemeralStorage: 50 GiB')));
});

const portCases: { title: string; networkMode?: string; mappings: Json[]; ports: V1ContainerPort[] | undefined; note?: RegExp }[] = [
  { title: 'no mappings, no ports', mappings: [], ports: undefined },
  {
    title: 'protocols are upper case, tcp by default',
    networkMode: 'awsvpc',
    mappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }, { containerPort: 53, protocol: 'udp' }, { containerPort: 9000 }],
    ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }, { containerPort: 9000, protocol: 'TCP' }],
  },
  {
    title: 'names are folded to IANA service names',
    mappings: [{ containerPort: 80, name: 'HTTP_Main' }, { containerPort: 81, name: 'web' }],
    ports: [{ containerPort: 80, protocol: 'TCP', name: 'http-main' }, { containerPort: 81, protocol: 'TCP', name: 'web' }],
  },
  {
    title: 'a name Kubernetes cannot take is dropped and reported',
    mappings: [{ containerPort: 80, name: '8080' }],
    ports: [{ containerPort: 80, protocol: 'TCP' }],
    note: /^containerDefinitions\[app\]\.portMappings\[8080\]\.name:/,
  },
  {
    title: 'host networking publishes the host port',
    networkMode: 'host',
    mappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
    ports: [{ containerPort: 8080, protocol: 'TCP', hostPort: 8080 }],
  },
  {
    title: 'bridge mode does not publish a static host port, and says so',
    networkMode: 'bridge',
    mappings: [{ containerPort: 80, hostPort: 8080 }],
    ports: [{ containerPort: 80, protocol: 'TCP' }],
    note: /hostPort: 8080 is not published/,
  },
  {
    title: 'a port range is reported',
    mappings: [{ containerPortRange: '8000-8010', protocol: 'tcp' }],
    ports: undefined,
    note: /containerPortRange: port ranges are not supported/,
  },
  {
    title: 'duplicates are kept once',
    mappings: [{ containerPort: 80 }, { containerPort: 80, protocol: 'tcp' }],
    ports: [{ containerPort: 80, protocol: 'TCP' }],
    note: /duplicate of 80\/TCP/,
  },
];

for (const c of portCases) {
  test(`ports: ${c.title}`, (t) => {
    const result = convert({ networkMode: c.networkMode, containerDefinitions: [app({ portMappings: c.mappings })] });
    t.deepEqual(result.pod.spec!.containers[0].ports, c.ports);
    if (c.note) t.true(result.unsupported.some((n) => c.note!.test(n)), result.unsupported.join('\n'));
    else t.deepEqual(result.unsupported, []);
  });
}

test('ports: host networking turns on hostNetwork', (t) => {
  t.true(convert({ networkMode: 'host', containerDefinitions: [app()] }).pod.spec!.hostNetwork);
  t.is(convert({ networkMode: 'awsvpc', containerDefinitions: [app()] }).pod.spec!.hostNetwork, undefined);
});
