import test from 'ava';
import type { V1Container } from '@kubernetes/client-node';
import { convertDefinition, type Json } from './helpers/conversion.ts';

// entryPoint/command, RunTask command and environment overrides, secrets, env files.

const convert = (containerDefinitions: Json[], overrides?: Json) => convertDefinition({ containerDefinitions }, overrides);

const app = (fields: Json = {}) => ({ name: 'app', image: 'app:1', essential: true, ...fields });
const only = (result: ReturnType<typeof convert>): V1Container => result.pod.spec!.containers[0];

const processCases: { title: string; definition: Json; overrides?: Json; expect: Partial<V1Container> }[] = [
  { title: 'no entryPoint and no command: the image decides', definition: {}, expect: { command: undefined, args: undefined } },
  { title: 'entryPoint becomes command', definition: { entryPoint: ['/bin/app'] }, expect: { command: ['/bin/app'], args: undefined } },
  { title: 'command becomes args', definition: { command: ['serve', '--port', '80'] }, expect: { command: undefined, args: ['serve', '--port', '80'] } },
  {
    title: 'entryPoint and command together',
    definition: { entryPoint: ['sh', '-c'], command: ['echo hi'] },
    expect: { command: ['sh', '-c'], args: ['echo hi'] },
  },
  {
    title: 'an override command replaces the command and keeps the entryPoint',
    definition: { entryPoint: ['/bin/app'], command: ['serve'] },
    overrides: { containerOverrides: [{ name: 'app', command: ['migrate', '--dry-run'] }] },
    expect: { command: ['/bin/app'], args: ['migrate', '--dry-run'] },
  },
  {
    title: 'an override without command keeps the command',
    definition: { command: ['serve'] },
    overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'X', value: '1' }] }] },
    expect: { args: ['serve'] },
  },
  {
    title: 'environment becomes env, in order, missing values empty',
    definition: { environment: [{ name: 'B', value: '2' }, { name: 'A', value: '1' }, { name: 'EMPTY' }] },
    expect: { env: [{ name: 'B', value: '2' }, { name: 'A', value: '1' }, { name: 'EMPTY', value: '' }] },
  },
  {
    title: 'override environment merges by name: the override wins in place, new names follow',
    definition: { environment: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
    overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'C', value: '3' }, { name: 'A', value: 'override' }] }] },
    expect: { env: [{ name: 'A', value: 'override' }, { name: 'B', value: '2' }, { name: 'C', value: '3' }] },
  },
  { title: 'workingDirectory becomes workingDir', definition: { workingDirectory: '/srv' }, expect: { workingDir: '/srv' } },
  { title: 'interactive and pseudoTerminal become stdin and tty', definition: { interactive: true, pseudoTerminal: true }, expect: { stdin: true, tty: true } },
  { title: 'false interactive flags are left out', definition: { interactive: false, pseudoTerminal: false }, expect: { stdin: undefined, tty: undefined } },
];

for (const c of processCases) {
  test(`process: ${c.title}`, (t) => {
    const container = only(convert([app(c.definition)], c.overrides));
    for (const [field, value] of Object.entries(c.expect)) t.deepEqual(container[field as keyof V1Container], value, field);
  });
}

test('process: an environmentFiles override replaces the definition\'s files', (t) => {
  const container = only(
    convert([app({ environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::bucket/base.env' }] })], {
      containerOverrides: [{ name: 'app', environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::bucket/prod.env' }] }],
    }),
  );
  t.is(container.envFrom!.length, 1);
  t.regex(container.envFrom![0].configMapRef!.name!, /^kecs-env-prod-env-[0-9a-f]{8}$/);
});

test('environmentFiles ConfigMap names are deterministic and listed in an annotation', (t) => {
  const file = 'arn:aws:s3:::bucket/dir/app.env';
  const first = convert([app({ environmentFiles: [{ type: 's3', value: file }] })]);
  const again = convert([app({ environmentFiles: [{ type: 's3', value: file }] })]);
  const name = only(first).envFrom![0].configMapRef!.name!;
  t.regex(name, /^kecs-env-app-env-[0-9a-f]{8}$/);
  t.is(only(again).envFrom![0].configMapRef!.name, name);
  t.deepEqual(JSON.parse(first.pod.metadata!.annotations!['kecs.dev/environment-files']), { [name]: file });
  t.deepEqual(first.unsupported, []);
});

const secretCases: { title: string; valueFrom: string; name: RegExp }[] = [
  {
    title: 'a Secrets Manager ARN',
    valueFrom: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db-AbCdEf',
    name: /^kecs-secret-prod-db-abcdef-[0-9a-f]{8}$/,
  },
  {
    title: 'a Secrets Manager ARN with a JSON key',
    valueFrom: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db-AbCdEf:password::',
    name: /^kecs-secret-prod-db-abcdef-password-[0-9a-f]{8}$/,
  },
  { title: 'an SSM parameter ARN', valueFrom: 'arn:aws:ssm:us-east-1:000000000000:parameter/app/API_KEY', name: /^kecs-secret-api-key-[0-9a-f]{8}$/ },
  { title: 'a bare parameter name', valueFrom: 'db_password', name: /^kecs-secret-db-password-[0-9a-f]{8}$/ },
  {
    title: 'a very long name stays a DNS label',
    valueFrom: `arn:aws:ssm:us-east-1:000000000000:parameter/${'x'.repeat(200)}`,
    name: /^kecs-secret-x{42}-[0-9a-f]{8}$/,
  },
];

for (const c of secretCases) {
  test(`secrets: ${c.title} becomes a secretKeyRef, never a value`, (t) => {
    const result = convert([app({ secrets: [{ name: 'SECRET', valueFrom: c.valueFrom }] })]);
    const env = only(result).env!;
    t.is(env.length, 1);
    t.is(env[0].name, 'SECRET');
    t.is(env[0].value, undefined);
    const ref = env[0].valueFrom!.secretKeyRef!;
    t.regex(ref.name!, c.name);
    t.is(ref.key, 'value');
    t.deepEqual(JSON.parse(result.pod.metadata!.annotations!['kecs.dev/secrets']), { [ref.name!]: c.valueFrom });
  });
}

test('secrets: the same reference gives the same Secret, another region another one', (t) => {
  const secretName = (valueFrom: string) => only(convert([app({ secrets: [{ name: 'S', valueFrom }] })])).env![0].valueFrom!.secretKeyRef!.name;
  const east = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf';
  t.is(secretName(east), secretName(east));
  t.not(secretName(east), secretName(east.replace('us-east-1', 'eu-west-1')));
});

test('secrets come after plain variables, and win over a plain variable of the same name', (t) => {
  const result = convert([
    app({
      environment: [{ name: 'A', value: '1' }, { name: 'TOKEN', value: 'plain' }],
      secrets: [{ name: 'TOKEN', valueFrom: 'arn:aws:ssm:us-east-1:000000000000:parameter/token' }],
    }),
  ]);
  t.deepEqual(only(result).env!.map((e) => [e.name, e.value !== undefined]), [['A', true], ['TOKEN', false]]);
  t.true(result.unsupported.some((n) => n.startsWith('containerDefinitions[app].environment[TOKEN]:')));
});

const overrideNoteCases: { title: string; overrides: Json; note: RegExp }[] = [
  {
    title: 'an override for a container that does not exist',
    overrides: { containerOverrides: [{ name: 'ghost', command: ['x'] }] },
    note: /^overrides\.containerOverrides\[ghost\]: no container of that name/,
  },
  {
    title: 'a container override field KECS does not know',
    overrides: { containerOverrides: [{ name: 'app', gpuCount: 2 }] },
    note: /^overrides\.containerOverrides\[app\]\.gpuCount: not understood/,
  },
  { title: 'a task override field KECS does not know', overrides: { shmSize: 1 }, note: /^overrides\.shmSize: not understood/ },
  {
    title: 'inference accelerator overrides',
    overrides: { inferenceAcceleratorOverrides: [{ deviceName: 'd', deviceType: 'eia2.medium' }] },
    note: /^overrides\.inferenceAcceleratorOverrides: not supported/,
  },
];

for (const c of overrideNoteCases) {
  test(`overrides: ${c.title} is reported`, (t) => {
    const result = convert([app()], c.overrides);
    t.true(result.unsupported.some((n) => c.note.test(n)), result.unsupported.join('\n'));
  });
}

test('overrides: role ARNs land in annotations', (t) => {
  const result = convert([app()], { taskRoleArn: 'arn:aws:iam::000000000000:role/task', executionRoleArn: 'arn:aws:iam::000000000000:role/exec' });
  const annotations = result.pod.metadata!.annotations!;
  t.is(annotations['kecs.dev/task-role-arn'], 'arn:aws:iam::000000000000:role/task');
  t.is(annotations['kecs.dev/execution-role-arn'], 'arn:aws:iam::000000000000:role/exec');
});

test('the task definition itself is not modified by overrides', (t) => {
  const definition = app({ command: ['serve'], environment: [{ name: 'A', value: '1' }] });
  const before = structuredClone(definition);
  convert([definition], { containerOverrides: [{ name: 'app', command: ['x'], environment: [{ name: 'A', value: '2' }] }] });
  t.deepEqual(definition, before);
});
