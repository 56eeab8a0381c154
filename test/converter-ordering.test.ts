import test from 'ava';
import type { V1Container } from '@kubernetes/client-node';
import { convertDefinition, type Json } from './helpers/conversion.ts';

// dependsOn: run-to-completion init containers (COMPLETE/SUCCESS), sidecars (START), and
// sidecars with a startup probe (HEALTHY), in an order that respects every dependency.

const convert = (containerDefinitions: Json[]) => convertDefinition({ containerDefinitions });

const container = (name: string, fields: Json = {}) => ({ name, image: `${name}:1`, essential: true, ...fields });
const dependsOn = (...deps: [string, string][]) => ({ dependsOn: deps.map(([containerName, condition]) => ({ containerName, condition })) });
const healthy = { healthCheck: { command: ['CMD', 'ready'], interval: 5 } };

/** `name` for a regular container, `name(init)` / `name(sidecar)` for init containers. */
function layout(result: ReturnType<typeof convert>): { init: string[]; main: string[] } {
  const describe = (c: V1Container) => `${c.name}(${c.restartPolicy === 'Always' ? 'sidecar' : 'init'})`;
  return { init: (result.pod.spec!.initContainers ?? []).map(describe), main: result.pod.spec!.containers.map((c) => c.name) };
}

const cases: { title: string; containers: Json[]; init: string[]; main: string[]; note?: RegExp }[] = [
  { title: 'no dependencies: all regular containers', containers: [container('a'), container('b')], init: [], main: ['a', 'b'] },
  {
    title: 'SUCCESS: the dependency runs to completion first',
    containers: [container('app', dependsOn(['migrate', 'SUCCESS'])), container('migrate', { essential: false })],
    init: ['migrate(init)'],
    main: ['app'],
  },
  {
    title: 'COMPLETE: also an init container, and the exit-code difference is reported',
    containers: [container('app', dependsOn(['setup', 'COMPLETE'])), container('setup', { essential: false })],
    init: ['setup(init)'],
    main: ['app'],
    note: /^containerDefinitions\[app\]\.dependsOn\[setup\]: COMPLETE is treated as SUCCESS/,
  },
  {
    title: 'START: a sidecar that keeps running',
    containers: [container('app', dependsOn(['proxy', 'START'])), container('proxy')],
    init: ['proxy(sidecar)'],
    main: ['app'],
    note: /^containerDefinitions\[proxy\]: runs as a sidecar/,
  },
  {
    title: 'no condition means START',
    containers: [container('app', { dependsOn: [{ containerName: 'proxy' }] }), container('proxy')],
    init: ['proxy(sidecar)'],
    main: ['app'],
  },
  {
    title: 'dependencies of dependencies come first',
    containers: [
      container('app', dependsOn(['proxy', 'HEALTHY'], ['migrate', 'SUCCESS'])),
      container('proxy', { ...healthy, ...dependsOn(['config', 'SUCCESS']) }),
      container('migrate', { essential: false, ...dependsOn(['proxy', 'START']) }),
      container('config', { essential: false }),
    ],
    init: ['config(init)', 'proxy(sidecar)', 'migrate(init)'],
    main: ['app'],
  },
  {
    title: 'COMPLETE wins over START for the same container',
    containers: [container('a', dependsOn(['x', 'START'])), container('b', dependsOn(['x', 'SUCCESS'])), container('x', { essential: false })],
    init: ['x(init)'],
    main: ['a', 'b'],
  },
  {
    title: 'a cycle is reported and started in definition order',
    containers: [container('app'), container('a', dependsOn(['b', 'START'])), container('b', dependsOn(['a', 'START'])), container('c', dependsOn(['a', 'START']))],
    init: ['a(sidecar)', 'b(sidecar)'],
    main: ['app', 'c'],
    note: /^dependsOn: a, b depend on each other in a cycle/,
  },
  {
    title: 'a dependency on a missing container is reported',
    containers: [container('app', dependsOn(['ghost', 'START']))],
    init: [],
    main: ['app'],
    note: /^containerDefinitions\[app\]\.dependsOn\[ghost\]: no such container/,
  },
  {
    title: 'an unknown condition is reported and treated as START',
    containers: [container('app', dependsOn(['proxy', 'READY'])), container('proxy')],
    init: ['proxy(sidecar)'],
    main: ['app'],
    note: /unknown condition 'READY'; treated as START/,
  },
];

for (const c of cases) {
  test(`dependsOn: ${c.title}`, (t) => {
    const result = convert(c.containers);
    t.deepEqual(layout(result), { init: c.init, main: c.main });
    if (c.note) t.true(result.unsupported.some((n) => c.note!.test(n)), result.unsupported.join('\n'));
  });
}

test('dependsOn: HEALTHY gates the start on the health check with a startup probe', (t) => {
  const result = convert([container('app', dependsOn(['db', 'HEALTHY'])), container('db', healthy)]);
  const [db] = result.pod.spec!.initContainers!;
  const probe = { exec: { command: ['ready'] }, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3, initialDelaySeconds: 0 };
  t.is(db.restartPolicy, 'Always');
  t.deepEqual(db.startupProbe, probe);
  t.deepEqual(db.readinessProbe, probe);
  t.deepEqual(db.livenessProbe, probe);
});

test('dependsOn: START alone adds no startup probe, even with a health check', (t) => {
  const [db] = convert([container('app', dependsOn(['db', 'START'])), container('db', healthy)]).pod.spec!.initContainers!;
  t.is(db.startupProbe, undefined);
  t.truthy(db.readinessProbe);
});

test('dependsOn: HEALTHY without a health check is reported and treated as START', (t) => {
  const result = convert([container('app', dependsOn(['db', 'HEALTHY'])), container('db')]);
  t.is(result.pod.spec!.initContainers![0].startupProbe, undefined);
  t.true(result.unsupported.some((n) => /dependsOn\[db\]: HEALTHY needs a health check/.test(n)));
});

test('dependsOn: a run-to-completion container loses its probes (Kubernetes forbids them), reported', (t) => {
  const result = convert([container('app', dependsOn(['migrate', 'SUCCESS'])), container('migrate', { essential: false, ...healthy })]);
  const [migrate] = result.pod.spec!.initContainers!;
  t.is(migrate.readinessProbe, undefined);
  t.is(migrate.livenessProbe, undefined);
  t.is(migrate.restartPolicy, undefined);
  t.true(result.unsupported.some((n) => n.startsWith('containerDefinitions[migrate].healthCheck:')));
});

test('dependsOn: essential containers are annotated wherever they run', (t) => {
  const result = convert([container('app', dependsOn(['proxy', 'START'], ['migrate', 'SUCCESS'])), container('proxy'), container('migrate', { essential: false })]);
  t.is(result.pod.metadata!.annotations!['kecs.dev/essential-containers'], 'app,proxy');
});

test('dependsOn: Kubernetes names are used for folded container names', (t) => {
  const result = convert([container('App', dependsOn(['Side_Car', 'START'])), container('Side_Car')]);
  t.regex(result.pod.spec!.initContainers![0].name, /^side-car-[0-9a-f]{8}$/);
  t.regex(result.pod.spec!.containers[0].name, /^app-[0-9a-f]{8}$/);
});
