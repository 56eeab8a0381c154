import { NAME } from './arn.ts';
import { clientError, limitExceeded } from './errors.ts';

// Validation and defaults of RegisterTaskDefinition as ECS applies them, with its wording.

type Json = Record<string, unknown>;

export const MAX_CONTAINERS = 10;

// Fargate task sizes: cpu units → the memory values (MiB) allowed with them.
const range = (from: number, to: number, step: number) =>
  Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
const FARGATE_SIZES: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/** Task-level cpu: "1024" or "1 vCPU" (also "0.25 vCPU"), returned as cpu units. */
export function parseCpu(value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(value);
  if (!m) return undefined;
  const n = m[2] ? Number(m[1]) * 1024 : Number(m[1]);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Task-level memory: "2048" (MiB) or "2 GB" / "2GB", returned as MiB. */
export function parseMemory(value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(gb)?\s*$/i.exec(value);
  if (!m) return undefined;
  const n = m[2] ? Number(m[1]) * 1024 : Number(m[1]);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function validateContainer(c: Json, names: Set<string>, taskMemory: number | undefined, ec2: boolean): void {
  const name = c.name;
  if (typeof name !== 'string' || name === '') throw clientError('Container.name should not be null or empty.');
  if (!NAME.test(name)) {
    throw clientError(`Container name '${name}' is invalid. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.`);
  }
  if (names.has(name)) throw clientError(`Duplicate container name '${name}'. Container names must be unique within a task definition.`);
  names.add(name);
  if (typeof c.image !== 'string' || c.image === '') throw clientError('Container.image should not be null or empty.');
  const memory = c.memory as number | undefined;
  const reservation = c.memoryReservation as number | undefined;
  if (memory !== undefined && memory < 6) {
    throw clientError(`Invalid 'memory' setting for container '${name}'. The minimum is 6 MiB.`);
  }
  if (reservation !== undefined && reservation < 6) {
    throw clientError(`Invalid 'memoryReservation' setting for container '${name}'. The minimum is 6 MiB.`);
  }
  if (memory !== undefined && reservation !== undefined && reservation > memory) {
    throw clientError(`Invalid 'memoryReservation' setting for container '${name}'. It must be less than or equal to 'memory'.`);
  }
  if (ec2 && taskMemory === undefined && memory === undefined && reservation === undefined) {
    throw clientError(`Invalid setting for container '${name}'. At least one of 'memory' or 'memoryReservation' must be specified.`);
  }
}

function validateReferences(containers: Json[], volumes: Json[]): void {
  const containerNames = new Set(containers.map((c) => c.name as string));
  const volumeNames = new Set<string>();
  for (const v of volumes) {
    const name = v.name as string | undefined;
    if (name === undefined) continue;
    if (volumeNames.has(name)) throw clientError(`Duplicate volume name '${name}'.`);
    volumeNames.add(name);
  }
  for (const c of containers) {
    for (const mount of (c.mountPoints as Json[] | undefined) ?? []) {
      const source = mount.sourceVolume as string | undefined;
      if (source !== undefined && !volumeNames.has(source)) {
        throw clientError(`Invalid 'mountPoints' setting for container '${c.name}': unknown volume '${source}'.`);
      }
    }
    for (const dep of (c.dependsOn as Json[] | undefined) ?? []) {
      if (!containerNames.has(dep.containerName as string)) {
        throw clientError(`Container '${c.name}' depends on container '${dep.containerName}', which is not in the task definition.`);
      }
    }
  }
}

function normalizeContainer(c: Json, networkMode: string | undefined): Json {
  const portMappings = ((c.portMappings as Json[] | undefined) ?? []).map((p) => {
    const mapped: Json = { ...p, protocol: p.protocol ?? 'tcp' };
    // With awsvpc and host networking the host port is the container port.
    if ((networkMode === 'awsvpc' || networkMode === 'host') && p.containerPort !== undefined && p.hostPort === undefined) {
      mapped.hostPort = p.containerPort;
    }
    return mapped;
  });
  return {
    ...c,
    cpu: c.cpu ?? 0,
    portMappings,
    essential: c.essential ?? true,
    environment: c.environment ?? [],
    mountPoints: c.mountPoints ?? [],
    volumesFrom: c.volumesFrom ?? [],
    systemControls: c.systemControls ?? [],
  };
}

/**
 * Checks a RegisterTaskDefinition request (without its tags) and returns the task
 * definition as ECS stores it: what was sent, plus the defaults ECS fills in.
 */
export function buildTaskDefinition(input: Json, accountId: string): Json {
  const { tags: _tags, ...sent } = input;
  const family = sent.family;
  if (typeof family !== 'string' || !NAME.test(family)) {
    throw clientError('Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.');
  }
  const containers = (sent.containerDefinitions as Json[] | undefined) ?? [];
  if (containers.length === 0) throw clientError('Container list cannot be empty.');
  if (containers.length > MAX_CONTAINERS) {
    throw limitExceeded(`Too many containers. A task definition can have at most ${MAX_CONTAINERS} containers.`);
  }

  let cpu: number | undefined;
  let memory: number | undefined;
  if (sent.cpu !== undefined) {
    cpu = parseCpu(String(sent.cpu));
    if (cpu === undefined) throw clientError("Invalid 'cpu' setting for task.");
  }
  if (sent.memory !== undefined) {
    memory = parseMemory(String(sent.memory));
    if (memory === undefined) throw clientError("Invalid 'memory' setting for task.");
  }

  const networkMode = sent.networkMode as string | undefined;
  const required = (sent.requiresCompatibilities as string[] | undefined) ?? [];
  if (required.includes('FARGATE')) {
    if (networkMode !== 'awsvpc') throw clientError("Fargate only supports network mode 'awsvpc'.");
    if (cpu === undefined) throw clientError("Fargate requires that 'cpu' be defined at the task level.");
    if (memory === undefined) throw clientError("Fargate requires that 'memory' be defined at the task level.");
    if (!FARGATE_SIZES[cpu]?.includes(memory)) {
      throw clientError(`No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`);
    }
  }
  const ec2 = required.length === 0 || required.includes('EC2');
  const names = new Set<string>();
  for (const c of containers) validateContainer(c, names, memory, ec2);
  const volumes = (sent.volumes as Json[] | undefined) ?? [];
  validateReferences(containers, volumes);

  const compatibilities = ['EC2'];
  if (networkMode === 'awsvpc' && cpu !== undefined && memory !== undefined && FARGATE_SIZES[cpu]?.includes(memory)) {
    compatibilities.push('FARGATE');
  }
  for (const c of required) if (!compatibilities.includes(c)) compatibilities.push(c);

  return {
    ...sent,
    containerDefinitions: containers.map((c) => normalizeContainer(c, networkMode)),
    ...(cpu !== undefined ? { cpu: String(cpu) } : {}),
    ...(memory !== undefined ? { memory: String(memory) } : {}),
    volumes,
    placementConstraints: sent.placementConstraints ?? [],
    compatibilities,
    registeredBy: `arn:aws:iam::${accountId}:root`,
  };
}
