import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

// Starts KECS as a child process for benchmarks, the way users run it.

const root = new URL('..', import.meta.url);
const TARGET = 'AmazonEC2ContainerServiceV20141113.';

export interface KecsProcess {
  child: ChildProcess;
  port: number;
  call(operation: string, body: unknown): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** KECS logs only warnings here, so it is found by polling its health endpoint. */
export async function startKecsProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<KecsProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts', '--port', String(port), ...args], {
    cwd: root,
    env: { ...process.env, KECS_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const call = async (operation: string, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET + operation },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${operation}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  for (let i = 0; i < 300; i++) {
    const healthy = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (healthy) return { child, port, call, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error('KECS did not become healthy');
}
