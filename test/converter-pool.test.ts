import test from 'ava';
import { convertTask, type ConversionInput } from '../kubernetes/converter.ts';
import { createConverterPool } from '../kubernetes/converterPool.ts';
import { conversionInput, type Json } from './helpers/conversion.ts';

// The pool runs the same converter in worker threads (a .ts worker under the tsx loader
// ava starts with): its results must equal the inline ones, and closing must end it.

const input = (taskDefinition: Json, overrides?: Json): ConversionInput =>
  conversionInput(taskDefinition, overrides, {
    labels: { 'kecs.dev/managed': 'true' },
    annotations: { 'kecs.dev/task-arn': 'arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef' },
  });

const inputs: { title: string; input: ConversionInput }[] = [
  { title: 'a minimal definition', input: input({ containerDefinitions: [{ name: 'app', image: 'nginx', essential: true }] }) },
  {
    title: 'a definition with notes, volumes, ordering and overrides',
    input: input(
      {
        cpu: '512',
        memory: '1024',
        volumes: [{ name: 'Data_Vol', host: { sourcePath: '/srv' } }, { name: 'efs', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }],
        containerDefinitions: [
          {
            name: 'Web',
            image: 'web:1',
            essential: true,
            cpu: 256,
            memory: 512,
            command: ['serve'],
            secrets: [{ name: 'TOKEN', valueFrom: 'arn:aws:ssm:us-east-1:000000000000:parameter/token' }],
            healthCheck: { command: ['CMD-SHELL', 'curl -f localhost'] },
            mountPoints: [{ sourceVolume: 'Data_Vol', containerPath: '/srv' }],
            dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }],
            ulimits: [{ name: 'nofile', softLimit: 1, hardLimit: 2 }],
          },
          { name: 'init', image: 'init:1', essential: false, command: ['prepare'] },
        ],
      },
      { containerOverrides: [{ name: 'Web', command: ['serve', '--debug'] }] },
    ),
  },
];

for (const c of inputs) {
  test(`pool: ${c.title} converts exactly as inline`, async (t) => {
    const pool = createConverterPool({ minThreads: 1, maxThreads: 1 });
    try {
      t.deepEqual(await pool.convert(c.input), convertTask(c.input));
    } finally {
      await pool.close();
    }
  });
}

test('pool: many concurrent conversions over several threads all match', async (t) => {
  const pool = createConverterPool({ minThreads: 2, maxThreads: 2 });
  try {
    const many = Array.from({ length: 50 }, (_, i) =>
      input({ containerDefinitions: [{ name: `app-${i}`, image: 'nginx', essential: true, cpu: i * 16, memory: 64 + i }] }),
    );
    const results = await Promise.all(many.map((one) => pool.convert(one)));
    t.deepEqual(results, many.map((one) => convertTask(one)));
  } finally {
    await pool.close();
  }
});

test('pool: close waits for queued conversions, and later ones are refused', async (t) => {
  const pool = createConverterPool({ minThreads: 1, maxThreads: 1 });
  const queued = Array.from({ length: 5 }, () => pool.convert(inputs[1].input));
  await pool.close();
  const results = await Promise.all(queued);
  t.is(results.length, 5);
  await t.throwsAsync(pool.convert(inputs[0].input), { message: 'converter pool is closed' });
  await pool.close();
});

test('pool: a conversion error reaches the caller', async (t) => {
  const pool = createConverterPool({ minThreads: 1, maxThreads: 1 });
  try {
    // A definition that is not even an object: the converter throws in the worker.
    const broken = { ...inputs[0].input, spec: { ...inputs[0].input.spec, taskDefinition: { containerDefinitions: 'nope' } } };
    await t.throwsAsync(pool.convert(broken as unknown as ConversionInput));
  } finally {
    await pool.close();
  }
});
