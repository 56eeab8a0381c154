import test from 'ava';
import type { V1Probe } from '@kubernetes/client-node';
import { convertTask } from '../kubernetes/converter.ts';
import { convertDefinition, type Json } from './helpers/conversion.ts';

// healthCheck → probes with ECS defaults, essential containers, restart policy, stopTimeout.

const convert = (containerDefinitions: Json[], taskDefinition: Json = {}) =>
  convertDefinition({ ...taskDefinition, containerDefinitions });

const app = (fields: Json = {}) => ({ name: 'app', image: 'app:1', essential: true, ...fields });

const probeCases: { title: string; healthCheck: Json; probe: V1Probe | undefined; note?: RegExp }[] = [
  {
    title: 'CMD-SHELL runs through /bin/sh -c, with the ECS defaults',
    healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'] },
    probe: {
      exec: { command: ['/bin/sh', '-c', 'curl -f http://localhost/ || exit 1'] },
      periodSeconds: 30,
      timeoutSeconds: 5,
      failureThreshold: 3,
      initialDelaySeconds: 0,
    },
  },
  {
    title: 'CMD runs its arguments directly',
    healthCheck: { command: ['CMD', 'pg_isready', '-h', 'localhost'] },
    probe: { exec: { command: ['pg_isready', '-h', 'localhost'] }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3, initialDelaySeconds: 0 },
  },
  {
    title: 'interval, timeout, retries and startPeriod carry over',
    healthCheck: { command: ['CMD', 'true'], interval: 10, timeout: 2, retries: 5, startPeriod: 60 },
    probe: { exec: { command: ['true'] }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 5, initialDelaySeconds: 60 },
  },
  {
    title: 'CMD-SHELL with the command split into words is joined back',
    healthCheck: { command: ['CMD-SHELL', 'test', '-f', '/ready'] },
    probe: { exec: { command: ['/bin/sh', '-c', 'test -f /ready'] }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3, initialDelaySeconds: 0 },
  },
  { title: 'NONE disables the check', healthCheck: { command: ['NONE'] }, probe: undefined },
  {
    title: 'a command without CMD/CMD-SHELL runs as exec and is reported',
    healthCheck: { command: ['/healthcheck'] },
    probe: { exec: { command: ['/healthcheck'] }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3, initialDelaySeconds: 0 },
    note: /^containerDefinitions\[app\]\.healthCheck\.command: starts with neither/,
  },
];

for (const c of probeCases) {
  test(`health check: ${c.title}`, (t) => {
    const result = convert([app({ healthCheck: c.healthCheck })]);
    const container = result.pod.spec!.containers[0];
    t.deepEqual(container.readinessProbe, c.probe, 'readiness');
    t.deepEqual(container.livenessProbe, c.probe, 'liveness');
    t.is(container.startupProbe, undefined);
    if (c.note) t.true(result.unsupported.some((n) => c.note!.test(n)), result.unsupported.join('\n'));
    else t.deepEqual(result.unsupported, []);
  });
}

test('health check: none, no probes', (t) => {
  const container = convert([app()]).pod.spec!.containers[0];
  t.is(container.readinessProbe, undefined);
  t.is(container.livenessProbe, undefined);
});

const essentialCases: { title: string; containers: Json[]; essential: string }[] = [
  { title: 'a single essential container', containers: [app()], essential: 'app' },
  {
    title: 'only the essential ones, in definition order',
    containers: [app({ name: 'log' , essential: false }), app({ name: 'web' }), app({ name: 'proxy' })],
    essential: 'web,proxy',
  },
  { title: 'an absent flag means essential, as on ECS', containers: [{ name: 'app', image: 'app:1' }], essential: 'app' },
  { title: 'Kubernetes names are listed', containers: [app({ name: 'Web_App' })], essential: 'web-app-' },
  { title: 'none essential', containers: [app({ essential: false })], essential: '' },
];

for (const c of essentialCases) {
  test(`essential: ${c.title}`, (t) => {
    const annotations = convert(c.containers).pod.metadata!.annotations!;
    if (c.essential.endsWith('-')) t.true(annotations['kecs.dev/essential-containers'].startsWith(c.essential));
    else t.is(annotations['kecs.dev/essential-containers'], c.essential);
  });
}

test('essential: the container-names annotation maps Kubernetes names back to ECS names', (t) => {
  const result = convert([app({ name: 'Web_App' }), app({ name: 'sidecar' })]);
  const names = JSON.parse(result.pod.metadata!.annotations!['kecs.dev/container-names']) as Record<string, string>;
  t.deepEqual(Object.values(names), ['Web_App', 'sidecar']);
  t.deepEqual(Object.keys(names), result.pod.spec!.containers.map((c) => c.name));
});

test('restart policy: Never, since ECS does not restart the containers of a task', (t) => {
  t.is(convert([app()]).pod.spec!.restartPolicy, 'Never');
});

const restartCases: { title: string; policy: Json; fields: Json; note?: RegExp }[] = [
  { title: 'disabled: nothing', policy: { enabled: false }, fields: { restartPolicy: undefined, restartPolicyRules: undefined } },
  { title: 'enabled: always restarted', policy: { enabled: true }, fields: { restartPolicy: 'Always', restartPolicyRules: undefined } },
  {
    title: 'ignored exit codes: restarted on any other code',
    policy: { enabled: true, ignoredExitCodes: [0, 143] },
    fields: { restartPolicy: 'Never', restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'NotIn', values: [0, 143] } }] },
  },
  {
    title: 'restartAttemptPeriod is reported',
    policy: { enabled: true, restartAttemptPeriod: 60 },
    fields: { restartPolicy: 'Always' },
    note: /^containerDefinitions\[app\]\.restartPolicy\.restartAttemptPeriod: not supported/,
  },
];

for (const c of restartCases) {
  test(`container restart policy: ${c.title}`, (t) => {
    const result = convert([app({ restartPolicy: c.policy })]);
    const container = result.pod.spec!.containers[0] as unknown as Json;
    for (const [field, value] of Object.entries(c.fields)) t.deepEqual(container[field], value, field);
    if (c.note) t.true(result.unsupported.some((n) => c.note!.test(n)), result.unsupported.join('\n'));
    else t.deepEqual(result.unsupported, []);
  });
}

test('container restart policy: a run-to-completion init container is not restarted, reported', (t) => {
  const result = convert([
    app({ dependsOn: [{ containerName: 'migrate', condition: 'SUCCESS' }] }),
    app({ name: 'migrate', essential: false, restartPolicy: { enabled: true } }),
  ]);
  t.is(result.pod.spec!.initContainers![0].restartPolicy, undefined);
  t.true(result.unsupported.some((n) => n.startsWith('containerDefinitions[migrate].restartPolicy: not applied')));
});

const stopCases: { title: string; timeouts: (number | undefined)[]; grace: number }[] = [
  { title: 'the ECS default is 30 s', timeouts: [undefined], grace: 30 },
  { title: 'one container sets it', timeouts: [90], grace: 90 },
  { title: 'the longest container wins', timeouts: [10, 120, 45], grace: 120 },
  { title: 'a container without one counts as 30 s', timeouts: [10, undefined], grace: 30 },
  { title: 'all shorter than the default', timeouts: [5, 2], grace: 5 },
];

for (const c of stopCases) {
  test(`stopTimeout: ${c.title}`, (t) => {
    const containers = c.timeouts.map((stopTimeout, i) => app({ name: `c${i}`, ...(stopTimeout === undefined ? {} : { stopTimeout }) }));
    t.is(convert(containers).pod.spec!.terminationGracePeriodSeconds, c.grace);
  });
}

test('pod metadata comes from the input, annotations merged with the converter\'s', (t) => {
  const result = convertTask({
    spec: { taskArn: 'arn:t', taskId: 'f'.repeat(32), clusterName: 'c', taskDefinition: { family: 'web', revision: 2, containerDefinitions: [app()] } },
    namespace: 'ns-1',
    podName: 'task-x',
    labels: { 'kecs.dev/cluster': 'c' },
    annotations: { 'kecs.dev/task-arn': 'arn:t' },
  });
  const metadata = result.pod.metadata!;
  t.is(metadata.name, 'task-x');
  t.is(metadata.namespace, 'ns-1');
  t.deepEqual(metadata.labels, { 'kecs.dev/cluster': 'c' });
  t.is(metadata.annotations!['kecs.dev/task-arn'], 'arn:t');
  t.is(metadata.annotations!['kecs.dev/essential-containers'], 'app');
  t.is(result.pod.kind, 'Pod');
  t.is(result.pod.apiVersion, 'v1');
});

test('the result is plain JSON: it survives a JSON round trip unchanged', (t) => {
  const result = convert([app({ healthCheck: { command: ['CMD', 'true'] }, portMappings: [{ containerPort: 80 }] })]);
  t.deepEqual(JSON.parse(JSON.stringify(result)), result);
});
