import test from 'ava';
import { OPERATIONS } from '../http/dispatch.ts';
import { ecsModel } from '../http/model.ts';
import { startServer } from './helpers/server.ts';

// Whatever a client sends, the answer is a typed 4xx or a 200 — never a 500, never a crash.
// Requests are generated from the ECS model: mostly well-typed values with random content,
// sometimes the wrong type, null, or nothing. The seed makes a failure reproducible.

const SEED = Number(process.env.KECS_FUZZ_SEED ?? 20261128);
const PER_OPERATION = Number(process.env.KECS_FUZZ_REQUESTS ?? 150);

function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const WORDS = ['default', 'web', 'web:1', 'arn:aws:ecs:us-east-1:000000000000:cluster/default', 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1', '', 'x'.repeat(300), '💥', 'FARGATE', 'ACTIVE', 'aws:tag', '__proto__', 'constructor', '-1', '0'];
const ANY = () => pick<unknown>([null, 1.5, -1, 2 ** 40, true, 'str', [], {}, [1, 'a'], { a: { b: 1 } }]);

function value(shapeName: string, depth: number): unknown {
  if (random() < 0.05) return ANY();
  const shape = ecsModel.shapes[shapeName];
  if (!shape || depth > 5) return undefined;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, target] of Object.entries(shape.members ?? {})) {
        if (random() < 0.5 || shape.required?.includes(name)) out[name] = value(target, depth + 1);
      }
      return out;
    }
    case 'list':
      return Array.from({ length: pick([0, 1, 2, 3, 11, 101]) }, () => value(shape.member!, depth + 1)).slice(0, random() < 0.9 ? 3 : 101);
    case 'map':
      return Object.fromEntries(Array.from({ length: pick([0, 1, 2]) }, () => [pick(WORDS), value(shape.value!, depth + 1)]));
    case 'string':
      return shape.enum && random() < 0.7 ? pick(shape.enum) : pick(WORDS);
    case 'integer':
    case 'long':
      return pick([0, 1, 10, 11, 100, 101, -5, 2 ** 31, 1.5]);
    case 'double':
    case 'float':
      return pick([0, 0.5, -1, 1e308]);
    case 'boolean':
      return random() < 0.5;
    case 'timestamp':
      return pick([0, 1_700_000_000, '2026-11-28T00:00:00Z', 'not a date']);
    default:
      return undefined;
  }
}

test(`no request generated from the model gets a 500 (seed ${SEED})`, async (t) => {
  const s = await startServer();
  t.teardown(() => s.close());
  await s.raw('CreateCluster', '{}');
  await s.raw('RegisterTaskDefinition', JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 64 }] }));
  const statuses = new Map<number, number>();
  for (const operation of Object.keys(OPERATIONS)) {
    const input = ecsModel.operations[operation].input!;
    for (let i = 0; i < PER_OPERATION; i++) {
      const body = JSON.stringify(value(input, 0) ?? {});
      const res = await s.raw(operation, body);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500 || (res.status >= 400 && typeof res.json.__type !== 'string')) {
        t.fail(`${operation} ${body} → ${res.status} ${JSON.stringify(res.json)}`);
        return;
      }
    }
  }
  t.log([...statuses].map(([status, n]) => `${status}: ${n}`).join(', '));
  const health = await fetch(`${s.endpoint}/health`);
  t.is(health.status, 200);
});
