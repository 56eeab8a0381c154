import type { V1Container, V1ResourceRequirements } from '@kubernetes/client-node';
import { defined, type EcsContainer, type Notes } from './ecsShapes.ts';

// cpu, memory and GPUs: per container (ECS cpu shares, memory/memoryReservation,
// resourceRequirements) and per task (the task size, as Pod-level resources).

/** Where an ECS GPU requirement lands: the NVIDIA device plugin's resource. */
const GPU_RESOURCE = 'nvidia.com/gpu';

/** Task-level cpu: 1024, "1024" or "1 vCPU" → cpu units. */
function cpuUnits(value: unknown): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(String(value ?? ''));
  if (!m) return undefined;
  const units = m[2] ? Number(m[1]) * 1024 : Number(m[1]);
  return units > 0 ? units : undefined;
}

/** Task-level memory: 2048, "2048" or "2 GB" → MiB. */
function memoryMiB(value: unknown): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(gb)?\s*$/i.exec(String(value ?? ''));
  if (!m) return undefined;
  const mib = m[2] ? Number(m[1]) * 1024 : Number(m[1]);
  return mib > 0 ? Math.ceil(mib) : undefined;
}

/** 1024 cpu units are one vCPU, 1000 millicores; never round a real request down to 0. */
const millicores = (units: number) => Math.max(1, Math.round((units * 1000) / 1024));
const cpuQuantity = (units: number) => `${millicores(units)}m`;
export const memoryQuantity = (mib: number) => `${mib}Mi`;

const parseMillicores = (q: string | undefined) => (q ? Number(q.replace(/m$/, '')) : 0);
const parseMiB = (q: string | undefined) => (q ? Number(q.replace(/Mi$/, '')) : 0);

export function containerResources(c: EcsContainer, path: string, notes: Notes): V1ResourceRequirements | undefined {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  // ECS container cpu is a share, not a cap: it becomes a request only.
  if (c.cpu !== undefined && c.cpu > 0) requests.cpu = cpuQuantity(c.cpu);
  // memoryReservation is the soft floor, memory the hard ceiling (and the reservation
  // when there is no soft one, which is also what Kubernetes defaults requests to).
  if (c.memoryReservation !== undefined) requests.memory = memoryQuantity(c.memoryReservation);
  if (c.memory !== undefined) limits.memory = memoryQuantity(c.memory);
  for (const r of c.resourceRequirements ?? []) {
    if (r.type === 'GPU') limits[GPU_RESOURCE] = String(r.value);
    else notes.push(`${path}.resourceRequirements[${r.type}]: not supported on Kubernetes`);
  }
  if (Object.keys(requests).length + Object.keys(limits).length === 0) return undefined;
  return defined({
    requests: Object.keys(requests).length ? requests : undefined,
    limits: Object.keys(limits).length ? limits : undefined,
  });
}

/** The task size as ECS spells it (1024, "1024", "1 vCPU"; 2048, "2 GB"), either part optional. */
export interface TaskSize { cpu?: unknown; memory?: unknown }

/**
 * Task-level cpu/memory become Pod-level resources (spec.resources, Kubernetes ≥ 1.34):
 * the task size is reserved and is the ceiling for containers without their own limit,
 * as on ECS. The API server rejects a Pod whose containers reserve more than the Pod or
 * have a limit above it; ECS rejects such a task too, so it only arises from overrides,
 * and then the Pod is widened (and that is reported) rather than left unstartable.
 */
export function podResources(size: TaskSize, init: V1Container[], main: V1Container[], notes: Notes): V1ResourceRequirements | undefined {
  const cpu = cpuUnits(size.cpu);
  const memory = memoryMiB(size.memory);
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  const all = [...init, ...main];
  for (const [resource, wanted, quantity, parse] of [
    ['cpu', cpu === undefined ? undefined : millicores(cpu), (n: number) => `${n}m`, parseMillicores],
    ['memory', memory, memoryQuantity, parseMiB],
  ] as const) {
    if (wanted === undefined) continue;
    const reserved = aggregateRequests(init, main, resource, parse);
    const largestLimit = Math.max(0, ...all.map((c) => parse(c.resources?.limits?.[resource])));
    const value = Math.max(wanted, reserved, largestLimit);
    if (value > wanted) {
      notes.push(`${resource}: the containers reserve or allow more than the task's ${resource}; the Pod gets ${quantity(value)}`);
    }
    requests[resource] = quantity(value);
    limits[resource] = quantity(value);
  }
  return Object.keys(limits).length ? { requests, limits } : undefined;
}

/** What the scheduler sums for a Pod: regular containers and sidecars, or the largest init step. */
function aggregateRequests(init: V1Container[], main: V1Container[], resource: string, parse: (q: string | undefined) => number): number {
  const request = (c: V1Container) => parse(c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource]);
  let sidecars = 0;
  let initPeak = 0;
  for (const c of init) {
    if (c.restartPolicy === 'Always') sidecars += request(c);
    else initPeak = Math.max(initPeak, sidecars + request(c));
  }
  return Math.max(main.reduce((sum, c) => sum + request(c), 0) + sidecars, initPeak);
}
