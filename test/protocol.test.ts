import { request } from 'node:http';
import { connect } from 'node:net';
import { once } from 'node:events';
import test, { type ExecutionContext } from 'ava';
import {
  ClientException,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  InvalidParameterException,
  ListClustersCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  UnsupportedFeatureException,
  type ClusterField,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { startServer, type RawResponse, type TestServer } from './helpers/server.ts';

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113';
const AMZ_JSON = 'application/x-amz-json-1.1';
const MiB = 1024 * 1024;

type Check = (s: TestServer, t: ExecutionContext) => Promise<void>;

/** A server holding one cluster and one task definition, so "nothing changed" means something. */
const withServer = (fn: Check) => async (t: ExecutionContext) => {
  const s = await startServer();
  try {
    await s.ecs.send(new CreateClusterCommand({ clusterName: 'seed' }));
    await s.ecs.send(new RegisterTaskDefinitionCommand(registration('seed')));
    await fn(s, t);
  } finally {
    await s.close();
  }
};

const container = (overrides: Record<string, unknown> = {}) => ({ name: 'app', image: 'nginx:1.27', memory: 128, ...overrides });

const registration = (family: string, containerOverrides: Record<string, unknown> = {}): RegisterTaskDefinitionCommandInput => ({
  family,
  containerDefinitions: [container(containerOverrides)],
});

/** What the server holds, as clients see it. */
async function state(s: TestServer) {
  return {
    clusters: (await s.ecs.send(new ListClustersCommand({}))).clusterArns,
    active: (await s.ecs.send(new ListTaskDefinitionsCommand({}))).taskDefinitionArns,
    inactive: (await s.ecs.send(new ListTaskDefinitionsCommand({ status: 'INACTIVE' }))).taskDefinitionArns,
    families: (await s.ecs.send(new ListTaskDefinitionFamiliesCommand({ status: 'ALL' }))).families,
  };
}

/** Runs bad requests, then checks the server still answers and holds exactly what it held. */
async function unchanged(t: ExecutionContext, s: TestServer, badRequests: () => Promise<void>): Promise<void> {
  const before = await state(s);
  await badRequests();
  t.deepEqual(await state(s), before, 'a rejected request changes nothing');
}

/** Asserts the AWS JSON 1.1 error envelope: status, `{__type, message}` body and headers. */
function assertError(t: ExecutionContext, res: RawResponse, status: number, type: string): void {
  t.is(res.status, status, JSON.stringify(res.json));
  t.deepEqual(Object.keys(res.json).sort(), ['__type', 'message']);
  t.is(res.json.__type, type);
  t.is(typeof res.json.message, 'string');
  t.is(res.headers.get('x-amzn-errortype'), type);
  t.is(res.headers.get('content-type'), AMZ_JSON);
  t.truthy(res.headers.get('x-amzn-requestid'));
}

type ErrorClass = abstract new (...args: never[]) => Error;

async function rejects(t: ExecutionContext, call: Promise<unknown>, type: ErrorClass): Promise<Error & { $metadata?: { httpStatusCode?: number; requestId?: string } }> {
  const err = await t.throwsAsync(call);
  t.true(err instanceof type, `expected ${type.name}, got ${err?.name}: ${err?.message}`);
  t.is(err?.name, type.name);
  return err as Error & { $metadata?: { httpStatusCode?: number; requestId?: string } };
}

/**
 * POSTs a body with node:http, either with a truthful Content-Length or chunked, in 64 KiB
 * writes. The server may answer and close before the whole body is sent: a write error after
 * the response arrived is expected.
 */
function postBody(endpoint: string, target: string, body: Buffer, mode: 'content-length' | 'chunked'): Promise<RawResponse> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        agent: false,
        headers: {
          'Content-Type': AMZ_JSON,
          'X-Amz-Target': `${TARGET_PREFIX}.${target}`,
          ...(mode === 'chunked' ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(body.length) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, String(v));
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode!, headers, json: text ? JSON.parse(text) : {} });
        });
      },
    );
    req.on('error', reject);
    for (let i = 0; i < body.length && !req.destroyed; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
    req.end();
  });
}

/** A RegisterTaskDefinition body of about `bytes` bytes, made big by an environment value. */
function registrationOfSize(family: string, bytes: number): Buffer {
  return Buffer.from(JSON.stringify(registration(family, { environment: [{ name: 'PAD', value: 'x'.repeat(bytes) }] })));
}

/** `kecs_api_request_duration_seconds_count` series from the Prometheus text, as label maps. */
function requestSeries(metricsText: string): Record<string, string>[] {
  return metricsText
    .split('\n')
    .filter((line) => line.startsWith('kecs_api_request_duration_seconds_count{'))
    .map((line) => Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]])));
}

// --- The envelope ------------------------------------------------------------------------

test('every response carries a distinct x-amzn-RequestId', withServer(async (s, t) => {
  const ids: (string | undefined | null)[] = [];
  ids.push((await s.ecs.send(new ListClustersCommand({}))).$metadata.requestId);
  const sdkError = await rejects(t, s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope' })), ClientException);
  ids.push(sdkError.$metadata?.requestId);
  ids.push((await s.raw('ListClusters', '{}')).headers.get('x-amzn-requestid'));
  ids.push((await s.raw('Nope', '{}')).headers.get('x-amzn-requestid'));
  ids.push((await s.raw(undefined, '{}')).headers.get('x-amzn-requestid'));
  ids.push((await s.raw('ListClusters', '{')).headers.get('x-amzn-requestid'));
  ids.push((await postBody(s.endpoint, 'ListClusters', Buffer.alloc(MiB + 1, 32), 'content-length')).headers.get('x-amzn-requestid'));
  for (const id of ids) t.regex(id ?? '', /^[0-9a-f-]{36}$/);
  t.is(new Set(ids).size, ids.length);
}));

test('a client error is HTTP 400 with {__type, message} and X-Amzn-Errortype', withServer(async (s, t) => {
  const res = await s.raw('DescribeTaskDefinition', JSON.stringify({ taskDefinition: 'nope' }));
  assertError(t, res, 400, 'ClientException');
  const err = await rejects(t, s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope' })), ClientException);
  t.is(err.$metadata?.httpStatusCode, 400);
}));

test('a successful response is JSON with the AWS JSON 1.1 content type', withServer(async (s, t) => {
  const res = await s.raw('ListClusters', '{}');
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), AMZ_JSON);
  t.is(res.headers.get('x-amzn-errortype'), null);
  t.deepEqual(res.json, { clusterArns: ['arn:aws:ecs:us-east-1:000000000000:cluster/seed'] });
}));

// --- Bodies the server cannot bind --------------------------------------------------------

test('malformed JSON is a 400 SerializationException', withServer(async (s, t) => {
  await unchanged(t, s, async () => {
    for (const body of ['{', '{"clusterName": "x"', 'not json', '{"clusterName": "x",}']) {
      assertError(t, await s.raw('CreateCluster', body), 400, 'SerializationException');
    }
  });
}));

test('a body that is a JSON array, number, string or null is a 400 SerializationException', withServer(async (s, t) => {
  await unchanged(t, s, async () => {
    for (const body of ['[]', '[{"clusterName":"x"}]', '5', '"x"', 'null', 'true']) {
      assertError(t, await s.raw('CreateCluster', body), 400, 'SerializationException');
    }
  });
}));

test('a member of the wrong type is a 400 SerializationException', withServer(async (s, t) => {
  const cases: [string, unknown][] = [
    ['CreateCluster', { clusterName: 5 }],
    ['ListClusters', { maxResults: 'x' }],
    ['ListClusters', { maxResults: 1.5 }],
    ['DescribeTaskDefinition', { taskDefinition: 'seed:1', include: 'TAGS' }],
    ['RegisterTaskDefinition', { family: 'typed', containerDefinitions: container() }],
    ['RegisterTaskDefinition', { family: 'typed', containerDefinitions: [container({ memory: '128' })] }],
    ['RegisterTaskDefinition', { family: 'typed', containerDefinitions: [container({ essential: 'yes' })] }],
  ];
  await unchanged(t, s, async () => {
    for (const [target, body] of cases) assertError(t, await s.raw(target, JSON.stringify(body)), 400, 'SerializationException');
  });
}));

test('an enum value outside the model is an InvalidParameterException', withServer(async (s, t) => {
  const err = await rejects(t, s.ecs.send(new DescribeClustersCommand({ clusters: ['seed'], include: ['NOPE' as ClusterField] })), InvalidParameterException);
  t.is(err.$metadata?.httpStatusCode, 400);
  t.regex(err.message, /enum/);
  await rejects(t, s.ecs.send(new ListTaskDefinitionsCommand({ sort: 'SIDEWAYS' as 'ASC' })), InvalidParameterException);
}));

test('a missing required member is an InvalidParameterException and registers nothing', withServer(async (s, t) => {
  await unchanged(t, s, async () => {
    const input = { family: 'incomplete' } as RegisterTaskDefinitionCommandInput;
    const err = await rejects(t, s.ecs.send(new RegisterTaskDefinitionCommand(input)), InvalidParameterException);
    t.regex(err.message, /containerDefinitions/);
    assertError(t, await s.raw('RegisterTaskDefinition', JSON.stringify({ family: 'incomplete', containerDefinitions: null })), 400, 'InvalidParameterException');
  });
}));

test('too-long strings: a 256-character clusterName is a semantic error, a 129-character tag key violates the model', withServer(async (s, t) => {
  await unchanged(t, s, async () => {
    await rejects(t, s.ecs.send(new CreateClusterCommand({ clusterName: 'c'.repeat(256) })), InvalidParameterException);
    const err = await rejects(
      t,
      s.ecs.send(new CreateClusterCommand({ clusterName: 'tagged', tags: [{ key: 'k'.repeat(129), value: 'v' }] })),
      InvalidParameterException,
    );
    t.regex(err.message, /length less than or equal to 128/);
  });
  await s.ecs.send(new CreateClusterCommand({ clusterName: 'c'.repeat(255), tags: [{ key: 'k'.repeat(128), value: 'v' }] }));
  t.is((await state(s)).clusters?.length, 2, 'the longest allowed name and tag key are accepted');
}));

test('members the model does not know are ignored, never stored or echoed', withServer(async (s, t) => {
  const res = await s.raw('RegisterTaskDefinition', JSON.stringify({
    ...registration('invented', { bogus: true }),
    revision: 99,
    status: 'INACTIVE',
    deregisteredAt: 5,
    junk: { a: 1 },
  }));
  t.is(res.status, 200);
  const td = res.json.taskDefinition as Record<string, unknown>;
  t.is(td.revision, 1);
  t.is(td.status, 'ACTIVE');
  t.false('deregisteredAt' in td);
  t.false('junk' in td);
  t.false('bogus' in (td.containerDefinitions as Record<string, unknown>[])[0]);
  const described = await s.raw('DescribeTaskDefinition', JSON.stringify({ taskDefinition: 'invented:1' }));
  t.deepEqual(described.json.taskDefinition, td);
}));

test('an empty body means {}', withServer(async (s, t) => {
  const clusters = await s.raw('ListClusters', '');
  t.is(clusters.status, 200);
  t.deepEqual(clusters.json, { clusterArns: ['arn:aws:ecs:us-east-1:000000000000:cluster/seed'] });
  const definitions = await s.raw('ListTaskDefinitions', '');
  t.deepEqual(definitions.json, { taskDefinitionArns: ['arn:aws:ecs:us-east-1:000000000000:task-definition/seed:1'] });
  const created = await s.raw('CreateCluster', '');
  t.is((created.json.cluster as Record<string, unknown>).clusterName, 'default', 'CreateCluster without a name creates "default"');
}));

// --- Targets ------------------------------------------------------------------------------

test('an unknown or missing X-Amz-Target is a 400 JSON error, never HTML or a 500', withServer(async (s, t) => {
  await unchanged(t, s, async () => {
    assertError(t, await s.raw('NoSuchOperation', '{}'), 400, 'UnknownOperationException');
    assertError(t, await s.raw(undefined, '{}'), 400, 'UnknownOperationException');
    assertError(t, await s.raw(undefined, '{}', { 'X-Amz-Target': 'DynamoDB_20120810.ListTables' }), 400, 'UnknownOperationException');
    assertError(t, await s.raw(undefined, '{}', { 'X-Amz-Target': 'ListClusters' }), 400, 'UnknownOperationException');
  });
}));

test('an X-Amz-Target naming an Object.prototype member is an unknown operation (regression: it answered 200)', withServer(async (s, t) => {
  for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) {
    assertError(t, await s.raw(name, '{"clusterName":"x"}'), 400, 'UnknownOperationException');
  }
}));

test('an ECS operation that KECS does not implement is an UnsupportedFeatureException', withServer(async (s, t) => {
  await unchanged(t, s, async () => {
    const err = await rejects(
      t,
      s.ecs.send(new CreateServiceCommand({ cluster: 'seed', serviceName: 'web', taskDefinition: 'seed:1', desiredCount: 1 })),
      UnsupportedFeatureException,
    );
    t.is(err.$metadata?.httpStatusCode, 400);
    t.truthy(err.$metadata?.requestId);
  });
}));

// --- Size limit ---------------------------------------------------------------------------

test('a body over 1 MiB with a truthful Content-Length is a 413 and creates nothing', withServer(async (s, t) => {
  await unchanged(t, s, async () => {
    const res = await postBody(s.endpoint, 'RegisterTaskDefinition', registrationOfSize('huge', MiB), 'content-length');
    assertError(t, res, 413, 'RequestEntityTooLargeException');
  });
}));

test('a chunked body over 1 MiB is a 413 and creates nothing', withServer(async (s, t) => {
  await unchanged(t, s, async () => {
    const res = await postBody(s.endpoint, 'RegisterTaskDefinition', registrationOfSize('huge', 2 * MiB), 'chunked');
    assertError(t, res, 413, 'RequestEntityTooLargeException');
  });
}));

test('a body just under 1 MiB is accepted, with Content-Length or chunked', withServer(async (s, t) => {
  const big = (await postBody(s.endpoint, 'RegisterTaskDefinition', registrationOfSize('big', MiB - 1024), 'content-length'));
  t.is(big.status, 200, JSON.stringify(big.json).slice(0, 200));
  const chunked = await postBody(s.endpoint, 'RegisterTaskDefinition', registrationOfSize('big', MiB - 1024), 'chunked');
  t.is(chunked.status, 200);
  t.deepEqual((await s.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'big' }))).taskDefinitionArns?.length, 2);
}));

// --- Timestamps ---------------------------------------------------------------------------

test('timestamps are epoch seconds as JSON numbers', withServer(async (s, t) => {
  const nowSeconds = Date.now() / 1000;
  const isEpochSeconds = (value: unknown) => typeof value === 'number' && Math.abs(value - nowSeconds) < 24 * 3600;
  const registered = (await s.raw('RegisterTaskDefinition', JSON.stringify(registration('timed')))).json.taskDefinition as Record<string, unknown>;
  t.true(isEpochSeconds(registered.registeredAt), String(registered.registeredAt));
  const deregistered = (await s.raw('DeregisterTaskDefinition', JSON.stringify({ taskDefinition: 'timed:1' }))).json.taskDefinition as Record<string, unknown>;
  t.true(isEpochSeconds(deregistered.deregisteredAt), String(deregistered.deregisteredAt));
  t.is(deregistered.registeredAt, registered.registeredAt);
  const viaSdk = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'timed:1' }));
  t.is(viaSdk.taskDefinition?.registeredAt?.getTime(), (registered.registeredAt as number) * 1000);
}));

// --- Other routes -------------------------------------------------------------------------

test('GET /health answers 200', withServer(async (s, t) => {
  const res = await fetch(`${s.endpoint}/health`);
  t.is(res.status, 200);
  t.deepEqual(await res.json(), { status: 'ok' });
}));

test('GET /metrics reports kecs_api_request_duration_seconds by method, endpoint and status', withServer(async (s, t) => {
  await s.ecs.send(new ListClustersCommand({}));
  await t.throwsAsync(s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope' })));
  await t.throwsAsync(s.ecs.send(new CreateServiceCommand({ serviceName: 'web' })));
  await s.raw('NoSuchOperation', '{}');
  const res = await fetch(`${s.endpoint}/metrics`);
  t.is(res.status, 200);
  const text = await res.text();
  t.regex(text, /# TYPE kecs_api_request_duration_seconds histogram/);
  const series = requestSeries(text);
  for (const expected of [
    { method: 'POST', endpoint: 'ListClusters', status: '200' },
    { method: 'POST', endpoint: 'DescribeTaskDefinition', status: '400' },
    { method: 'POST', endpoint: 'CreateService', status: '400' },
    { method: 'POST', endpoint: 'Unknown', status: '400' },
  ]) {
    t.true(series.some((labels) => labels.method === expected.method && labels.endpoint === expected.endpoint && labels.status === expected.status), JSON.stringify(expected));
  }
}));

test('an unknown path is a JSON 404, not HTML', withServer(async (s, t) => {
  const res = await fetch(`${s.endpoint}/nope`);
  t.is(res.status, 404);
  t.is(res.headers.get('content-type'), AMZ_JSON);
  t.is(((await res.json()) as Record<string, unknown>).__type, 'UnknownOperationException');
}));

// --- Connections --------------------------------------------------------------------------

test('a client that disconnects mid-body does not keep the server from closing (regression: close() hung)', async (t) => {
  t.timeout(30_000, 'close() is still waiting for the abandoned request');
  const s = await startServer();
  const url = new URL(s.endpoint);
  const socket = connect(Number(url.port), url.hostname);
  await once(socket, 'connect');
  socket.write(
    `POST / HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: ${AMZ_JSON}\r\nX-Amz-Target: ${TARGET_PREFIX}.ListClusters\r\nContent-Length: 100\r\n\r\n{"maxRe`,
  );
  // Another request round-trips after the partial one was written, so the server has seen it.
  t.is((await s.raw('ListClusters', '{}')).status, 200);
  socket.destroy();
  await s.close();
});
