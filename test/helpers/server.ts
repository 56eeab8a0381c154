import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECSClient } from '@aws-sdk/client-ecs';
import { pino } from 'pino';
import type { Clock } from '../../actors/clock.ts';
import { uniformPhases } from '../../kubernetes/simulatedRuntime.ts';
import { startKecs, type Kecs, type KecsConfig } from '../../main.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export interface TestServer {
  kecs: Kecs;
  ecs: ECSClient;
  endpoint: string;
  /** POSTs a raw AWS JSON 1.1 request, for what the SDK would never send. */
  raw(target: string | undefined, body: string | Uint8Array, headers?: Record<string, string>): Promise<RawResponse>;
  close(): Promise<void>;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'kecs-test-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function ecsClient(endpoint: string): ECSClient {
  return new ECSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

/** Starts KECS in-process on an ephemeral port, with an in-memory database unless told otherwise. */
export async function startServer(overrides: Partial<KecsConfig> = {}, clock?: Clock): Promise<TestServer> {
  const kecs = await startKecs(
    {
      host: '127.0.0.1',
      port: 0,
      data: ':memory:',
      runtime: 'simulated',
      region: 'us-east-1',
      accountId: '000000000000',
      bodyLimit: 1024 * 1024,
      stoppedTaskRetentionMs: 3_600_000,
      simulatedPhases: uniformPhases(5),
      ...overrides,
    },
    { logger: pino({ level: 'silent' }), clock },
  );
  const endpoint = `http://127.0.0.1:${kecs.port}`;
  const ecs = ecsClient(endpoint);
  return {
    kecs,
    ecs,
    endpoint,
    async raw(target, body, headers = {}) {
      const payload = typeof body === "string" ? body : new Blob([body as Uint8Array<ArrayBuffer>]);
      const res = await fetch(`${endpoint}/`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          ...(target === undefined ? {} : { 'X-Amz-Target': `AmazonEC2ContainerServiceV20141113.${target}` }),
          ...headers,
        },
        body: payload,
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : {} };
    },
    async close() {
      ecs.destroy();
      await kecs.close();
    },
  };
}
