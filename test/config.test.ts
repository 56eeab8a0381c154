import test from 'ava';
import { parseConfig, usage } from '../main.ts';

test('defaults: simulated runtime, DuckDB under .kecs, 127.0.0.1:5373, us-east-1, account 000000000000', (t) => {
  t.like(parseConfig([], {}), {
    host: '127.0.0.1', port: 5373, data: '.kecs', runtime: 'simulated', region: 'us-east-1', accountId: '000000000000',
  });
});

test('the environment overrides defaults and flags override the environment', (t) => {
  const env = { KECS_PORT: '6000', KECS_HOST: '0.0.0.0', KECS_DATA: ':memory:', KECS_REGION: 'eu-west-1', KECS_ACCOUNT_ID: '123456789012', KECS_RUNTIME: 'kubernetes' };
  t.like(parseConfig([], env), { port: 6000, host: '0.0.0.0', data: ':memory:', region: 'eu-west-1', accountId: '123456789012', runtime: 'kubernetes' });
  t.like(parseConfig(['--port', '7000', '--region', 'ap-south-1', '--runtime', 'simulated'], env), { port: 7000, region: 'ap-south-1', runtime: 'simulated' });
});

test('bad values are refused with the option named', (t) => {
  t.throws(() => parseConfig(['--port', 'x'], {}), { message: /port/ });
  t.throws(() => parseConfig(['--runtime', 'docker'], {}), { message: /runtime/ });
  t.throws(() => parseConfig(['--account-id', '12'], {}), { message: /account/ });
  t.throws(() => parseConfig(['--nope'], {}));
});

test('--help lists every option with its environment variable', (t) => {
  t.is(parseConfig(['--help'], {}), 'help');
  for (const name of ['--port', '--host', '--data', '--runtime', '--region', '--account-id', 'KECS_DATA']) t.true(usage().includes(name), name);
});
