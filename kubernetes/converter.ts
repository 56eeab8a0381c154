import { createHash } from 'node:crypto';
import type {
  V1Container,
  V1ContainerPort,
  V1EnvFromSource,
  V1EnvVar,
  V1HostAlias,
  V1Pod,
  V1PodDNSConfig,
  V1PodSpec,
  V1Probe,
  V1ResourceRequirements,
  V1SecurityContext,
  V1Sysctl,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import type { TaskSpec } from './runtime.ts';

// The one converter from an ECS task (task definition + RunTask overrides) to a Pod.
// It is pure: the same input always gives the same Pod, so it can run in a worker thread
// and be re-applied after a restart. Whatever Kubernetes cannot express is reported in
// `unsupported` as "<field path>: <what happens instead>", never dropped silently.
//
// Conventions a user has to know (README "How task definitions become Pods"):
// - `secrets[].valueFrom` → env from Secret `externalName('kecs-secret', valueFrom)`, key `value`.
// - `environmentFiles[].value` → envFrom ConfigMap `externalName('kecs-env', value)`.
// - `repositoryCredentials.credentialsParameter` → imagePullSecret `externalName('kecs-pull', arn)`.
// The references are listed in annotations so a tool can create those objects.

export interface ConversionInput {
  spec: TaskSpec;
  namespace: string;
  podName: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ConversionResult {
  /** A plain JSON-serializable Pod manifest. */
  pod: V1Pod;
  /** Human-readable notes on fields Kubernetes cannot express, as `<path>: <note>`. */
  unsupported: string[];
}

const ANNOTATION = {
  /** JSON map: Kubernetes container name → ECS container name. */
  containerNames: 'kecs.dev/container-names',
  /** Comma-separated Kubernetes container names of the essential containers. */
  essential: 'kecs.dev/essential-containers',
  /** JSON map: Kubernetes volume name → ECS volume name. */
  volumeNames: 'kecs.dev/volume-names',
  /** JSON map: ECS container name → its dockerLabels. */
  dockerLabels: 'kecs.dev/docker-labels',
  /** JSON maps: Kubernetes object name → the AWS reference it stands for. */
  secrets: 'kecs.dev/secrets',
  environmentFiles: 'kecs.dev/environment-files',
  imagePullSecrets: 'kecs.dev/image-pull-secrets',
  taskRoleArn: 'kecs.dev/task-role-arn',
  executionRoleArn: 'kecs.dev/execution-role-arn',
} as const;

// ECS defaults that DescribeTaskDefinition does not fill in.
const DEFAULT_STOP_TIMEOUT_SECONDS = 30;
const HEALTH_DEFAULTS = { interval: 30, timeout: 5, retries: 3, startPeriod: 0 };
/** Where an ECS GPU requirement lands: the NVIDIA device plugin's resource. */
const GPU_RESOURCE = 'nvidia.com/gpu';

// ---------------------------------------------------------------------------------------
// ECS shapes, as loose as the JSON they come from.

type Json = Record<string, unknown>;
interface NameValue { name?: string; value?: string }
interface PortMapping { containerPort?: number; hostPort?: number; protocol?: string; name?: string; appProtocol?: string; containerPortRange?: string }
interface HealthCheck { command?: string[]; interval?: number; timeout?: number; retries?: number; startPeriod?: number }
interface MountPoint { sourceVolume?: string; containerPath?: string; readOnly?: boolean }
interface Dependency { containerName: string; condition?: string }
interface LinuxParameters {
  capabilities?: { add?: string[]; drop?: string[] };
  devices?: unknown[];
  initProcessEnabled?: boolean;
  sharedMemorySize?: number;
  tmpfs?: { containerPath: string; size: number; mountOptions?: string[] }[];
  maxSwap?: number;
  swappiness?: number;
}
interface EcsContainer {
  name: string;
  image?: string;
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  entryPoint?: string[];
  command?: string[];
  environment?: NameValue[];
  environmentFiles?: { value?: string; type?: string }[];
  secrets?: { name: string; valueFrom: string }[];
  resourceRequirements?: { type?: string; value?: string }[];
  portMappings?: PortMapping[];
  essential?: boolean;
  healthCheck?: HealthCheck;
  dependsOn?: Dependency[];
  stopTimeout?: number;
  mountPoints?: MountPoint[];
  volumesFrom?: { sourceContainer?: string; readOnly?: boolean }[];
  linuxParameters?: LinuxParameters;
  user?: string;
  privileged?: boolean;
  readonlyRootFilesystem?: boolean;
  dockerSecurityOptions?: string[];
  restartPolicy?: { enabled?: boolean; ignoredExitCodes?: number[]; restartAttemptPeriod?: number };
  [field: string]: unknown;
}
interface EcsVolume {
  name?: string;
  host?: { sourcePath?: string };
  dockerVolumeConfiguration?: { scope?: string; driver?: string };
  configuredAtLaunch?: boolean;
  [field: string]: unknown;
}

/** Notes collected while converting one task. */
type Notes = string[];

/** Treats what a normalized definition carries by default (`[]`, `{}`, `false`) as absent. */
function present(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Drops undefined members so the manifest stays small and compares cleanly. */
function defined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

function reportUnknownFields(object: Json, known: ReadonlySet<string>, path: string, notes: Notes): void {
  for (const [field, value] of Object.entries(object)) {
    if (!known.has(field) && present(value)) notes.push(`${path}.${field}: not understood by KECS; ignored`);
  }
}

// ---------------------------------------------------------------------------------------
// Names. Kubernetes names are DNS labels; ECS names allow upper case and `_`.

const shortHash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 8);

/**
 * A DNS-1123 label for an ECS name. A name that already is one stays as it is (the common
 * case reads naturally); any other gets a hash of the original appended, so "App" and
 * "app" cannot fold onto one name.
 */
function dnsLabel(value: string): string {
  const folded = value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (folded === value && folded.length > 0 && folded.length <= 63) return folded;
  const head = folded.slice(0, 54).replace(/-+$/, '');
  return head ? `${head}-${shortHash(value)}` : `x-${shortHash(value)}`;
}

/** Claims `wanted` in `taken`, or a numbered variant of it when that is gone already. */
function claim(taken: Set<string>, wanted: string): string {
  let name = wanted;
  for (let n = 2; taken.has(name); n++) name = `${wanted.slice(0, 63 - String(n).length - 1)}-${n}`;
  taken.add(name);
  return name;
}

/**
 * The Kubernetes object standing in for an AWS reference (a secret ARN, an S3 object, a
 * parameter name): `<prefix>-<readable tail of the reference>-<hash of all of it>`. The
 * hash keeps two references apart that share a tail (other region, account, JSON key).
 */
function externalName(prefix: string, reference: string): string {
  const parts = reference.split(':');
  // arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME[:json-key:stage:id]
  const tail =
    reference.startsWith('arn:') && parts[5] === 'secret'
      ? [parts[6], parts[7]].filter(Boolean).join('-')
      : (reference.split(/[/:]/).filter(Boolean).pop() ?? '');
  const readable = tail.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  const head = `${prefix}-${readable}`.slice(0, 54).replace(/-+$/, '');
  return `${head}-${shortHash(reference)}`;
}

/** An IANA service name (≤ 15, `[a-z0-9-]`, a letter, no `--`), or undefined. */
function portName(name: string): string | undefined {
  const folded = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 15)
    .replace(/^-+|-+$/g, '');
  return /[a-z]/.test(folded) ? folded : undefined;
}

// ---------------------------------------------------------------------------------------
// Quantities.

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
const memoryQuantity = (mib: number) => `${mib}Mi`;

// ---------------------------------------------------------------------------------------
// Overrides (RunTask `overrides`).

const TASK_OVERRIDE_FIELDS = new Set([
  'containerOverrides', 'cpu', 'memory', 'taskRoleArn', 'executionRoleArn', 'ephemeralStorage', 'inferenceAcceleratorOverrides',
]);
const CONTAINER_OVERRIDE_FIELDS = new Set([
  'name', 'command', 'environment', 'environmentFiles', 'cpu', 'memory', 'memoryReservation', 'resourceRequirements',
]);

/** Later entries replace earlier ones with the same key, keeping the first one's position. */
function mergeBy<T>(key: (item: T) => string | undefined, base: T[] = [], over: T[] = []): T[] {
  const merged = new Map<string, T>();
  for (const item of [...base, ...over]) merged.set(key(item) ?? '', item);
  return [...merged.values()];
}

function applyContainerOverrides(containers: EcsContainer[], overrides: Json[], notes: Notes): EcsContainer[] {
  const names = new Set(containers.map((c) => c.name));
  const byName = new Map<string, Json>();
  for (const o of overrides) {
    const path = `overrides.containerOverrides[${String(o.name)}]`;
    if (!names.has(o.name as string)) notes.push(`${path}: no container of that name in the task definition; ignored`);
    else byName.set(o.name as string, o);
    reportUnknownFields(o, CONTAINER_OVERRIDE_FIELDS, path, notes);
  }
  return containers.map((c) => {
    const o = byName.get(c.name);
    if (!o) return c;
    // ECS: `command` and `environmentFiles` replace, `environment` merges by name,
    // `resourceRequirements` replace per resource type.
    return defined({
      ...c,
      command: (o.command as string[] | undefined) ?? c.command,
      environment: mergeBy((e) => e.name, c.environment, o.environment as NameValue[] | undefined),
      environmentFiles: (o.environmentFiles as EcsContainer['environmentFiles']) ?? c.environmentFiles,
      cpu: (o.cpu as number | undefined) ?? c.cpu,
      memory: (o.memory as number | undefined) ?? c.memory,
      memoryReservation: (o.memoryReservation as number | undefined) ?? c.memoryReservation,
      resourceRequirements: mergeBy((r) => r.type, c.resourceRequirements, o.resourceRequirements as EcsContainer['resourceRequirements']),
    });
  });
}

// ---------------------------------------------------------------------------------------
// Process: command, environment, secrets.

/** The external objects a Pod refers to by convention, for the annotations. */
interface References {
  secrets: Record<string, string>;
  environmentFiles: Record<string, string>;
  imagePullSecrets: Record<string, string>;
}

function processFields(c: EcsContainer, path: string, refs: References, notes: Notes): Partial<V1Container> {
  const env: V1EnvVar[] = (c.environment ?? []).map((e) => ({ name: String(e.name), value: e.value ?? '' }));
  const secretNames = new Set((c.secrets ?? []).map((s) => s.name));
  const plain = env.filter((e) => {
    if (!secretNames.has(e.name)) return true;
    notes.push(`${path}.environment[${e.name}]: also a secret; the secret wins`);
    return false;
  });
  const secrets: V1EnvVar[] = (c.secrets ?? []).map((s) => {
    const name = externalName('kecs-secret', s.valueFrom);
    refs.secrets[name] = s.valueFrom;
    return { name: s.name, valueFrom: { secretKeyRef: { name, key: 'value' } } };
  });
  // Kubernetes lets env win over envFrom, as ECS lets `environment` win over its files.
  const envFrom: V1EnvFromSource[] = [];
  for (const [i, file] of (c.environmentFiles ?? []).entries()) {
    if (!file.value) continue;
    if (file.type !== undefined && file.type !== 's3') notes.push(`${path}.environmentFiles[${i}].type: '${file.type}' treated as s3`);
    const name = externalName('kecs-env', file.value);
    refs.environmentFiles[name] = file.value;
    envFrom.push({ configMapRef: { name } });
  }
  return defined({
    // Docker's ENTRYPOINT is Kubernetes' command and CMD is its args: the one place this swap happens.
    command: present(c.entryPoint) ? c.entryPoint : undefined,
    args: present(c.command) ? c.command : undefined,
    env: plain.length + secrets.length > 0 ? [...plain, ...secrets] : undefined,
    envFrom: envFrom.length > 0 ? envFrom : undefined,
    workingDir: present(c.workingDirectory) ? String(c.workingDirectory) : undefined,
    stdin: c.interactive === true ? true : undefined,
    tty: c.pseudoTerminal === true ? true : undefined,
  });
}

// ---------------------------------------------------------------------------------------
// Resources and ports.

function containerResources(c: EcsContainer, path: string, notes: Notes): V1ResourceRequirements | undefined {
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

function containerPorts(c: EcsContainer, networkMode: string | undefined, path: string, notes: Notes): V1ContainerPort[] | undefined {
  const ports: V1ContainerPort[] = [];
  const seen = new Set<string>();
  const names = new Set<string>();
  for (const p of c.portMappings ?? []) {
    const where = `${path}.portMappings[${p.name ?? p.containerPort ?? p.containerPortRange}]`;
    if (p.containerPortRange) notes.push(`${where}.containerPortRange: port ranges are not supported on Kubernetes`);
    if (p.containerPort === undefined) continue;
    const protocol = (p.protocol ?? 'tcp').toUpperCase();
    const key = `${p.containerPort}/${protocol}`;
    if (seen.has(key)) {
      notes.push(`${where}: duplicate of ${key}; kept once`);
      continue;
    }
    seen.add(key);
    const port: V1ContainerPort = { containerPort: p.containerPort, protocol };
    if (p.name) {
      const name = portName(p.name);
      if (name && !names.has(name)) {
        names.add(name);
        port.name = name;
      } else notes.push(`${where}.name: '${p.name}' cannot be a unique Kubernetes port name; the port is unnamed`);
    }
    if (p.appProtocol) notes.push(`${where}.appProtocol: belongs on a Service port; not set on the Pod`);
    // Only host networking publishes on the node; elsewhere the Pod IP is the address.
    if (networkMode === 'host') port.hostPort = p.containerPort;
    else if (networkMode === 'bridge' && p.hostPort && p.hostPort !== p.containerPort) {
      notes.push(`${where}.hostPort: ${p.hostPort} is not published; reach port ${p.containerPort} on the Pod IP`);
    }
    ports.push(port);
  }
  return ports.length > 0 ? ports : undefined;
}

/** A pod-level cpu/memory bound in the scheduler's terms: requests and limits, per resource. */
interface PodBound { cpu?: number; memory?: number }

/**
 * Task-level cpu/memory become Pod-level resources (spec.resources, Kubernetes ≥ 1.34):
 * the task size is reserved and is the ceiling for containers without their own limit,
 * as on ECS. The API server rejects a Pod whose containers reserve more than the Pod or
 * have a limit above it; ECS rejects such a task too, so it only arises from overrides,
 * and then the Pod is widened (and that is reported) rather than left unstartable.
 */
function podResources(bound: PodBound, init: V1Container[], main: V1Container[], notes: Notes): V1ResourceRequirements | undefined {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  const all = [...init, ...main];
  for (const [resource, wanted, quantity, parse] of [
    ['cpu', bound.cpu === undefined ? undefined : millicores(bound.cpu), (n: number) => `${n}m`, parseMillicores],
    ['memory', bound.memory, memoryQuantity, parseMiB],
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

const parseMillicores = (q: string | undefined) => (q ? Number(q.replace(/m$/, '')) : 0);
const parseMiB = (q: string | undefined) => (q ? Number(q.replace(/Mi$/, '')) : 0);

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

// ---------------------------------------------------------------------------------------
// Health checks.

function probeFor(check: HealthCheck, path: string, notes: Notes): V1Probe | undefined {
  const [kind, ...rest] = check.command ?? [];
  let command: string[];
  if (kind === 'CMD-SHELL') command = ['/bin/sh', '-c', rest.join(' ')];
  else if (kind === 'CMD') command = rest;
  else if (kind === 'NONE' || kind === undefined) return undefined;
  else {
    notes.push(`${path}.healthCheck.command: starts with neither CMD nor CMD-SHELL; run as an exec command`);
    command = check.command ?? [];
  }
  if (command.length === 0) return undefined;
  return {
    exec: { command },
    periodSeconds: check.interval ?? HEALTH_DEFAULTS.interval,
    timeoutSeconds: check.timeout ?? HEALTH_DEFAULTS.timeout,
    failureThreshold: check.retries ?? HEALTH_DEFAULTS.retries,
    initialDelaySeconds: check.startPeriod ?? HEALTH_DEFAULTS.startPeriod,
  };
}

// ---------------------------------------------------------------------------------------
// Container restarts (ECS restartPolicy).

/**
 * ECS restarts a container with an enabled restart policy unless it exits with an ignored
 * code. Kubernetes says the same with a per-container restartPolicy and restartPolicyRules
 * (ContainerRestartRules; the 1.37 testbed accepts them). An API server without that
 * feature drops the fields, and the container is simply not restarted.
 */
function restartFields(c: EcsContainer, role: Role, path: string, notes: Notes): Pick<V1Container, 'restartPolicy' | 'restartPolicyRules'> {
  const policy = c.restartPolicy;
  if (policy?.enabled !== true || role === 'sidecar') return {};
  if (role === 'init') {
    notes.push(`${path}.restartPolicy: not applied; the container runs to completion before the others start`);
    return {};
  }
  if (policy.restartAttemptPeriod !== undefined) {
    notes.push(`${path}.restartPolicy.restartAttemptPeriod: not supported on Kubernetes; restarts back off exponentially instead`);
  }
  const ignored = policy.ignoredExitCodes ?? [];
  if (ignored.length === 0) return { restartPolicy: 'Always' };
  return { restartPolicy: 'Never', restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'NotIn', values: ignored } }] };
}

// ---------------------------------------------------------------------------------------
// Security: user, privileges, capabilities.

function securityContextFor(c: EcsContainer, path: string, notes: Notes): V1SecurityContext | undefined {
  const context: V1SecurityContext = {};
  if (present(c.user)) {
    const m = /^(\d+)(?::(\d+))?$/.exec(String(c.user));
    if (m) {
      context.runAsUser = Number(m[1]);
      if (m[2] !== undefined) context.runAsGroup = Number(m[2]);
    } else notes.push(`${path}.user: '${c.user}' is not numeric; Kubernetes needs a uid (and gid), so the image's user is used`);
  }
  if (c.privileged === true) context.privileged = true;
  if (c.readonlyRootFilesystem === true) context.readOnlyRootFilesystem = true;
  const caps = c.linuxParameters?.capabilities;
  const strip = (names: string[] | undefined) => (present(names) ? names!.map((n) => n.replace(/^CAP_/i, '')) : undefined);
  if (present(caps?.add) || present(caps?.drop)) context.capabilities = defined({ add: strip(caps?.add), drop: strip(caps?.drop) });
  for (const option of c.dockerSecurityOptions ?? []) {
    if (/^no-new-privileges(:true)?$/.test(option)) {
      // The API server refuses no-new-privileges next to what needs new privileges.
      if (c.privileged === true || context.capabilities?.add?.some((n) => /^(SYS_ADMIN|ALL)$/i.test(n))) {
        notes.push(`${path}.dockerSecurityOptions[${option}]: conflicts with privileged/SYS_ADMIN on Kubernetes; not applied`);
      } else context.allowPrivilegeEscalation = false;
    } else notes.push(`${path}.dockerSecurityOptions[${option}]: not supported on Kubernetes`);
  }
  return Object.keys(context).length ? context : undefined;
}

// ---------------------------------------------------------------------------------------
// Volumes and mounts.

interface VolumePlan {
  volumes: V1Volume[];
  /** ECS volume name → Kubernetes volume name. */
  names: Map<string, string>;
  taken: Set<string>;
}

const VOLUME_FIELDS = new Set(['name', 'host', 'dockerVolumeConfiguration', 'efsVolumeConfiguration', 's3filesVolumeConfiguration', 'fsxWindowsFileServerVolumeConfiguration', 'configuredAtLaunch']);
const REMOTE_VOLUMES: Record<string, string> = {
  efsVolumeConfiguration: 'EFS',
  fsxWindowsFileServerVolumeConfiguration: 'FSx for Windows File Server',
  s3filesVolumeConfiguration: 'S3 Files',
};

function planVolumes(volumes: EcsVolume[], notes: Notes): VolumePlan {
  const plan: VolumePlan = { volumes: [], names: new Map(), taken: new Set() };
  for (const v of volumes) {
    if (!v.name) continue;
    const path = `volumes[${v.name}]`;
    reportUnknownFields(v, VOLUME_FIELDS, path, notes);
    const name = claim(plan.taken, dnsLabel(v.name));
    plan.names.set(v.name, name);
    const remote = Object.keys(REMOTE_VOLUMES).find((field) => present(v[field]));
    if (remote) {
      notes.push(`${path}.${remote}: ${REMOTE_VOLUMES[remote]} is not reachable from Kubernetes; an empty emptyDir is mounted instead`);
      plan.volumes.push({ name, emptyDir: {} });
    } else if (v.host?.sourcePath) {
      // Docker creates a missing bind-mount source; DirectoryOrCreate does the same.
      plan.volumes.push({ name, hostPath: { path: v.host.sourcePath, type: 'DirectoryOrCreate' } });
    } else {
      const docker = v.dockerVolumeConfiguration;
      if (docker?.scope === 'shared') notes.push(`${path}.dockerVolumeConfiguration.scope: shared volumes outlive tasks on ECS; this emptyDir lives as long as the Pod`);
      if (docker?.driver && docker.driver !== 'local') notes.push(`${path}.dockerVolumeConfiguration.driver: '${docker.driver}' is not supported; an emptyDir is used`);
      if (v.configuredAtLaunch === true) notes.push(`${path}.configuredAtLaunch: EBS volumes are not supported; an emptyDir is used`);
      plan.volumes.push({ name, emptyDir: {} });
    }
  }
  return plan;
}

/** The container's own mount points, then those it takes over with volumesFrom (transitively). */
function mountPointsOf(c: EcsContainer, byName: Map<string, EcsContainer>, seen = new Set<string>()): MountPoint[] {
  seen.add(c.name);
  const inherited = (c.volumesFrom ?? []).flatMap((from) => {
    const source = from.sourceContainer === undefined ? undefined : byName.get(from.sourceContainer);
    if (!source || seen.has(source.name)) return [];
    return mountPointsOf(source, byName, seen).map((m) => (from.readOnly ? { ...m, readOnly: true } : m));
  });
  return [...(c.mountPoints ?? []), ...inherited];
}

function containerStorage(
  c: EcsContainer,
  k8sName: string,
  byName: Map<string, EcsContainer>,
  plan: VolumePlan,
  path: string,
  notes: Notes,
): V1VolumeMount[] | undefined {
  const mounts: V1VolumeMount[] = [];
  const paths = new Set<string>();
  const mount = (name: string, mountPath: string, readOnly?: boolean) => {
    if (paths.has(mountPath)) {
      notes.push(`${path}: ${mountPath} is mounted twice; the first mount is kept`);
      return;
    }
    paths.add(mountPath);
    mounts.push(defined({ name, mountPath, readOnly: readOnly === true ? true : undefined }));
  };
  for (const from of c.volumesFrom ?? []) {
    if (from.sourceContainer === undefined || !byName.has(from.sourceContainer)) {
      notes.push(`${path}.volumesFrom[${from.sourceContainer}]: no such container; ignored`);
    }
  }
  for (const m of mountPointsOf(c, byName)) {
    const name = m.sourceVolume === undefined ? undefined : plan.names.get(m.sourceVolume);
    if (!name || !m.containerPath) notes.push(`${path}.mountPoints[${m.sourceVolume}]: no such volume or no containerPath; not mounted`);
    else mount(name, m.containerPath, m.readOnly);
  }
  // Memory-backed scratch space: the Kubernetes spelling of --shm-size and --tmpfs.
  const linux = c.linuxParameters ?? {};
  if (linux.sharedMemorySize !== undefined && linux.sharedMemorySize > 0) {
    const name = claim(plan.taken, `${k8sName.slice(0, 55)}-shm`);
    plan.volumes.push({ name, emptyDir: { medium: 'Memory', sizeLimit: memoryQuantity(linux.sharedMemorySize) } });
    mount(name, '/dev/shm');
  }
  for (const [i, tmpfs] of (linux.tmpfs ?? []).entries()) {
    const name = claim(plan.taken, `${k8sName.slice(0, 52)}-tmpfs-${i}`);
    plan.volumes.push({ name, emptyDir: defined({ medium: 'Memory', sizeLimit: tmpfs.size ? memoryQuantity(tmpfs.size) : undefined }) });
    mount(name, tmpfs.containerPath);
    if (present(tmpfs.mountOptions)) notes.push(`${path}.linuxParameters.tmpfs[${tmpfs.containerPath}].mountOptions: not supported on Kubernetes`);
  }
  return mounts.length ? mounts : undefined;
}

// ---------------------------------------------------------------------------------------
// Start order (dependsOn).

type Role = 'main' | 'init' | 'sidecar';
interface StartPlan {
  roles: Map<string, Role>;
  /** ECS names of the init containers (run-to-completion and sidecars), in start order. */
  initOrder: string[];
  /** Sidecars others wait on to be HEALTHY: their health check gates the start sequence. */
  healthGated: Set<string>;
}

/**
 * Kubernetes orders containers only through init containers: a run-to-completion init
 * container must exit 0 before the next starts (COMPLETE/SUCCESS), and a sidecar (an init
 * container with restartPolicy Always) lets the next one start once it runs, or once its
 * startupProbe passes (START/HEALTHY). So every container something depends on becomes an
 * init container, ordered so each comes after what it depends on itself.
 */
function planStartOrder(containers: EcsContainer[], notes: Notes): StartPlan {
  const roles = new Map<string, Role>(containers.map((c) => [c.name, 'main']));
  const healthGated = new Set<string>();
  const byName = new Map(containers.map((c) => [c.name, c]));
  for (const c of containers) {
    for (const dep of c.dependsOn ?? []) {
      const target = byName.get(dep.containerName);
      const path = `containerDefinitions[${c.name}].dependsOn[${dep.containerName}]`;
      if (!target || target === c) {
        notes.push(`${path}: no such container; ignored`);
        continue;
      }
      const condition = dep.condition ?? 'START';
      if (condition === 'COMPLETE' || condition === 'SUCCESS') {
        if (condition === 'COMPLETE') notes.push(`${path}: COMPLETE is treated as SUCCESS; a non-zero exit of ${dep.containerName} fails the Pod`);
        roles.set(target.name, 'init');
      } else if (roles.get(target.name) !== 'init') {
        roles.set(target.name, 'sidecar');
        if (condition === 'HEALTHY') {
          if (target.healthCheck && probeFor(target.healthCheck, '', [])) healthGated.add(target.name);
          else notes.push(`${path}: HEALTHY needs a health check on ${dep.containerName}; treated as START`);
        } else if (condition !== 'START') notes.push(`${path}: unknown condition '${condition}'; treated as START`);
      }
    }
  }
  for (const name of healthGated) if (roles.get(name) === 'init') healthGated.delete(name);

  // Topological order among init containers, definition order among equals.
  const initNames = containers.filter((c) => roles.get(c.name) !== 'main').map((c) => c.name);
  const waitsFor = (name: string) => (byName.get(name)?.dependsOn ?? []).map((d) => d.containerName).filter((d) => initNames.includes(d) && d !== name);
  const initOrder: string[] = [];
  const placed = new Set<string>();
  while (initOrder.length < initNames.length) {
    const next = initNames.find((n) => !placed.has(n) && waitsFor(n).every((d) => placed.has(d)));
    if (next === undefined) {
      const cycle = initNames.filter((n) => !placed.has(n));
      notes.push(`dependsOn: ${cycle.join(', ')} depend on each other in a cycle; started in definition order`);
      initOrder.push(...cycle);
      break;
    }
    placed.add(next);
    initOrder.push(next);
  }
  return { roles, initOrder, healthGated };
}

// ---------------------------------------------------------------------------------------
// Pod-wide settings that ECS sets per container.

interface PodWide {
  hostAliases: Map<string, string[]>;
  nameservers: string[];
  searches: string[];
  sysctls: Map<string, string>;
  hostname?: string;
  pullSecrets: string[];
}

/** Sysctls with a per-Pod namespace; anything else would change the node. */
const NAMESPACED_SYSCTL = /^(kernel\.shm|kernel\.msg|kernel\.sem$|fs\.mqueue\.|net\.)/;

function collectPodWide(c: EcsContainer, pod: PodWide, spec: Json, path: string, refs: References, notes: Notes): void {
  for (const host of (c.extraHosts as { hostname?: string; ipAddress?: string }[] | undefined) ?? []) {
    if (!host.hostname || !host.ipAddress) continue;
    const names = pod.hostAliases.get(host.ipAddress) ?? [];
    if (!names.includes(host.hostname)) names.push(host.hostname);
    pod.hostAliases.set(host.ipAddress, names);
  }
  for (const server of (c.dnsServers as string[] | undefined) ?? []) if (!pod.nameservers.includes(server)) pod.nameservers.push(server);
  for (const domain of (c.dnsSearchDomains as string[] | undefined) ?? []) if (!pod.searches.includes(domain)) pod.searches.push(domain);
  for (const control of (c.systemControls as { namespace?: string; value?: string }[] | undefined) ?? []) {
    const name = control.namespace ?? '';
    const where = `${path}.systemControls[${name}]`;
    if (!NAMESPACED_SYSCTL.test(name)) notes.push(`${where}: not a namespaced sysctl; Kubernetes cannot set it per Pod`);
    else if (spec.networkMode === 'host' && name.startsWith('net.')) notes.push(`${where}: net.* sysctls cannot be set with host networking`);
    else if (spec.ipcMode === 'host' && !name.startsWith('net.')) notes.push(`${where}: IPC sysctls cannot be set with the host IPC namespace`);
    else if (pod.sysctls.has(name) && pod.sysctls.get(name) !== control.value) notes.push(`${where}: conflicts with another container's value; the first one applies to the whole Pod`);
    else pod.sysctls.set(name, String(control.value ?? ''));
  }
  if (present(c.hostname)) {
    const hostname = String(c.hostname);
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(hostname)) notes.push(`${path}.hostname: '${hostname}' is not a DNS label; the Pod keeps its name as hostname`);
    else if (pod.hostname && pod.hostname !== hostname) notes.push(`${path}.hostname: the Pod already has hostname '${pod.hostname}'; one hostname per Pod`);
    else pod.hostname = hostname;
  }
  const credentials = (c.repositoryCredentials as { credentialsParameter?: string } | undefined)?.credentialsParameter;
  if (credentials) {
    const name = externalName('kecs-pull', credentials);
    refs.imagePullSecrets[name] = credentials;
    if (!pod.pullSecrets.includes(name)) pod.pullSecrets.push(name);
    notes.push(`${path}.repositoryCredentials: Secrets Manager is not read; the image is pulled with imagePullSecret ${name} (a docker-registry Secret) if it exists`);
  }
}

function podDns(pod: PodWide): Pick<V1PodSpec, 'dnsPolicy' | 'dnsConfig'> {
  if (!pod.nameservers.length && !pod.searches.length) return {};
  const dnsConfig: V1PodDNSConfig = defined({
    nameservers: pod.nameservers.length ? pod.nameservers : undefined,
    searches: pod.searches.length ? pod.searches : undefined,
  });
  // Own name servers replace the cluster's, as --dns replaces Docker's resolver.
  return pod.nameservers.length ? { dnsPolicy: 'None', dnsConfig } : { dnsConfig };
}

// ---------------------------------------------------------------------------------------
// Fields with nothing to map to.

/** Container fields that only get a note (when set). */
const CONTAINER_NOTES: Record<string, string> = {
  links: 'not supported on Kubernetes; containers of a Pod reach each other on localhost',
  ulimits: 'not supported on Kubernetes (no ulimit field); the node defaults apply',
  logConfiguration: 'not applied; the container output is in the Pod logs (kubectl logs)',
  firelensConfiguration: 'not supported on Kubernetes',
  credentialSpecs: 'not supported on Kubernetes',
  startTimeout: 'not supported on Kubernetes; waits for dependencies have no timeout',
  disableNetworking: 'not supported on Kubernetes; containers share the Pod network',
};
const LINUX_NOTES: Record<string, string> = {
  devices: 'host devices are not supported on Kubernetes',
  initProcessEnabled: 'no init process is injected on Kubernetes',
  maxSwap: 'not supported on Kubernetes',
  swappiness: 'not supported on Kubernetes',
};
/** Container fields that the functions above map (or note) themselves. */
const CONTAINER_MAPPED = new Set([
  'name', 'image', 'cpu', 'memory', 'memoryReservation', 'resourceRequirements', 'portMappings', 'essential', 'entryPoint',
  'command', 'environment', 'environmentFiles', 'secrets', 'mountPoints', 'volumesFrom', 'linuxParameters', 'dependsOn',
  'stopTimeout', 'hostname', 'user', 'workingDirectory', 'privileged', 'readonlyRootFilesystem', 'dnsServers',
  'dnsSearchDomains', 'extraHosts', 'dockerSecurityOptions', 'interactive', 'pseudoTerminal', 'dockerLabels',
  'healthCheck', 'systemControls', 'repositoryCredentials', 'restartPolicy', 'versionConsistency',
]);
const CONTAINER_FIELDS = new Set([...CONTAINER_MAPPED, ...Object.keys(CONTAINER_NOTES)]);

/** Task definition fields that describe the registration, not what runs. */
const TASK_METADATA = [
  'taskDefinitionArn', 'family', 'revision', 'status', 'registeredAt', 'registeredBy', 'deregisteredAt',
  'requiresAttributes', 'compatibilities', 'requiresCompatibilities', 'tags',
];
const TASK_NOTES: Record<string, string> = {
  placementConstraints: 'not applied; the Kubernetes scheduler places the Pod',
  proxyConfiguration: 'App Mesh proxy configuration is not supported on Kubernetes',
  inferenceAccelerators: 'not supported on Kubernetes',
  trustedExecutionConfiguration: 'not supported on Kubernetes',
  enableFaultInjection: 'not supported on Kubernetes',
  runtimePlatform: 'not enforced; the Pod runs on whatever OS and architecture the nodes have',
};
const TASK_FIELDS = new Set([
  ...TASK_METADATA, ...Object.keys(TASK_NOTES),
  'containerDefinitions', 'volumes', 'networkMode', 'cpu', 'memory', 'taskRoleArn', 'executionRoleArn', 'pidMode', 'ipcMode', 'ephemeralStorage',
]);

function noteFields(object: Json, notesFor: Record<string, string>, path: string, notes: Notes): void {
  for (const [field, note] of Object.entries(notesFor)) if (present(object[field])) notes.push(`${path}${field}: ${note}`);
}

function containerNotes(c: EcsContainer, path: string, notes: Notes): void {
  reportUnknownFields(c, CONTAINER_FIELDS, path, notes);
  noteFields(c, CONTAINER_NOTES, `${path}.`, notes);
  const linux = (c.linuxParameters ?? {}) as Json;
  noteFields(linux, LINUX_NOTES, `${path}.linuxParameters.`, notes);
  reportUnknownFields(linux, new Set(['capabilities', 'sharedMemorySize', 'tmpfs', ...Object.keys(LINUX_NOTES)]), `${path}.linuxParameters`, notes);
  if (c.versionConsistency === 'enabled') notes.push(`${path}.versionConsistency: the image tag is not pinned to a digest; Kubernetes pulls the tag as written`);
}

function taskNotes(td: Json, overrides: Json, notes: Notes): void {
  reportUnknownFields(td, TASK_FIELDS, 'taskDefinition', notes);
  noteFields(td, TASK_NOTES, '', notes);
  reportUnknownFields(overrides, TASK_OVERRIDE_FIELDS, 'overrides', notes);
  if (present(overrides.inferenceAcceleratorOverrides)) notes.push('overrides.inferenceAcceleratorOverrides: not supported on Kubernetes');
  if (td.networkMode === 'none') notes.push('networkMode: none is not supported on Kubernetes; the Pod gets a network');
  if (td.ipcMode === 'none') notes.push('ipcMode: none is not supported on Kubernetes; containers of a Pod share IPC');
  const storage = (overrides.ephemeralStorage ?? td.ephemeralStorage) as { sizeInGiB?: number } | undefined;
  if (storage?.sizeInGiB !== undefined) notes.push(`ephemeralStorage: ${storage.sizeInGiB} GiB is not enforced; Pod-level resources cover cpu and memory only`);
  if (present(overrides.taskRoleArn ?? td.taskRoleArn)) {
    notes.push('taskRoleArn: recorded in an annotation; no AWS credentials are given to the containers');
  }
}

// ---------------------------------------------------------------------------------------
// The conversion.

export function convertTask(input: ConversionInput): ConversionResult {
  const notes: Notes = [];
  const td = input.spec.taskDefinition;
  const overrides = input.spec.overrides ?? {};
  taskNotes(td, overrides, notes);

  const containers = applyContainerOverrides(
    (td.containerDefinitions as EcsContainer[] | undefined) ?? [],
    (overrides.containerOverrides as Json[] | undefined) ?? [],
    notes,
  );
  const byName = new Map(containers.map((c) => [c.name, c]));
  const takenContainerNames = new Set<string>();
  const k8sNames = new Map(containers.map((c) => [c.name, claim(takenContainerNames, dnsLabel(c.name))]));
  const volumes = planVolumes((td.volumes as EcsVolume[] | undefined) ?? [], notes);
  const start = planStartOrder(containers, notes);
  const refs: References = { secrets: {}, environmentFiles: {}, imagePullSecrets: {} };
  const podWide: PodWide = { hostAliases: new Map(), nameservers: [], searches: [], sysctls: new Map(), pullSecrets: [] };
  const networkMode = td.networkMode as string | undefined;

  const built = new Map<string, V1Container>();
  for (const c of containers) {
    const path = `containerDefinitions[${c.name}]`;
    const name = k8sNames.get(c.name)!;
    containerNotes(c, path, notes);
    collectPodWide(c, podWide, td, path, refs, notes);
    const role = start.roles.get(c.name)!;
    const probe = c.healthCheck ? probeFor(c.healthCheck, path, notes) : undefined;
    if (probe && role === 'init') notes.push(`${path}.healthCheck: runs to completion before others start, where Kubernetes allows no probes; not checked`);
    const probes = role === 'init' || !probe ? {} : { readinessProbe: probe, livenessProbe: probe };
    built.set(
      c.name,
      defined({
        name,
        image: String(c.image ?? ''),
        ...processFields(c, path, refs, notes),
        ports: containerPorts(c, networkMode, path, notes),
        resources: containerResources(c, path, notes),
        volumeMounts: containerStorage(c, name, byName, volumes, path, notes),
        securityContext: securityContextFor(c, path, notes),
        ...probes,
        startupProbe: start.healthGated.has(c.name) ? probe : undefined,
        // A sidecar keeps running beside the others, and Kubernetes restarts it if it exits.
        ...(role === 'sidecar' ? { restartPolicy: 'Always' } : restartFields(c, role, path, notes)),
      }),
    );
    if (role === 'sidecar') notes.push(`${path}: runs as a sidecar so dependents can wait for it; Kubernetes restarts it if it exits, where ECS would not`);
  }

  const initContainers = start.initOrder.map((n) => built.get(n)!);
  const mainContainers = containers.filter((c) => start.roles.get(c.name) === 'main').map((c) => built.get(c.name)!);
  if (mainContainers.length === 0 && containers.length > 0) notes.push('dependsOn: every container is a dependency of another; the Pod has no regular container');

  const taskCpu = cpuUnits(overrides.cpu ?? td.cpu);
  const taskMemory = memoryMiB(overrides.memory ?? td.memory);
  const stopTimeout = Math.max(...containers.map((c) => c.stopTimeout ?? DEFAULT_STOP_TIMEOUT_SECONDS), 0);
  const sysctls: V1Sysctl[] = [...podWide.sysctls].map(([name, value]) => ({ name, value }));
  const hostAliases: V1HostAlias[] = [...podWide.hostAliases].map(([ip, hostnames]) => ({ ip, hostnames }));

  const spec: V1PodSpec = defined({
    // ECS never restarts a container of a task: an essential container's exit stops the task.
    restartPolicy: 'Never',
    terminationGracePeriodSeconds: stopTimeout || DEFAULT_STOP_TIMEOUT_SECONDS,
    initContainers: initContainers.length ? initContainers : undefined,
    containers: mainContainers,
    volumes: volumes.volumes.length ? volumes.volumes : undefined,
    resources: podResources({ cpu: taskCpu, memory: taskMemory }, initContainers, mainContainers, notes),
    hostNetwork: networkMode === 'host' ? true : undefined,
    hostPID: td.pidMode === 'host' ? true : undefined,
    hostIPC: td.ipcMode === 'host' ? true : undefined,
    shareProcessNamespace: td.pidMode === 'task' ? true : undefined,
    hostname: podWide.hostname,
    hostAliases: hostAliases.length ? hostAliases : undefined,
    ...podDns(podWide),
    securityContext: sysctls.length ? { sysctls } : undefined,
    imagePullSecrets: podWide.pullSecrets.length ? podWide.pullSecrets.map((name) => ({ name })) : undefined,
  });

  const annotations = converterAnnotations(containers, k8sNames, volumes, refs, td, overrides);
  return {
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: input.podName,
        namespace: input.namespace,
        labels: { ...input.labels },
        annotations: { ...annotations, ...input.annotations },
      },
      spec,
    },
    unsupported: notes,
  };
}

function converterAnnotations(
  containers: EcsContainer[],
  k8sNames: Map<string, string>,
  volumes: VolumePlan,
  refs: References,
  td: Json,
  overrides: Json,
): Record<string, string> {
  const json = (map: Record<string, unknown>) => (Object.keys(map).length ? JSON.stringify(map) : undefined);
  const dockerLabels = Object.fromEntries(containers.filter((c) => present(c.dockerLabels)).map((c) => [c.name, c.dockerLabels]));
  const ecsVolumeNames = Object.fromEntries([...volumes.names].map(([ecs, k8s]) => [k8s, ecs]));
  const taskRole = overrides.taskRoleArn ?? td.taskRoleArn;
  const executionRole = overrides.executionRoleArn ?? td.executionRoleArn;
  return defined({
    [ANNOTATION.containerNames]: JSON.stringify(Object.fromEntries(containers.map((c) => [k8sNames.get(c.name), c.name]))),
    // An absent flag means essential: ECS's default.
    [ANNOTATION.essential]: containers.filter((c) => c.essential !== false).map((c) => k8sNames.get(c.name)).join(','),
    [ANNOTATION.volumeNames]: json(ecsVolumeNames),
    [ANNOTATION.dockerLabels]: json(dockerLabels),
    [ANNOTATION.secrets]: json(refs.secrets),
    [ANNOTATION.environmentFiles]: json(refs.environmentFiles),
    [ANNOTATION.imagePullSecrets]: json(refs.imagePullSecrets),
    [ANNOTATION.taskRoleArn]: present(taskRole) ? String(taskRole) : undefined,
    [ANNOTATION.executionRoleArn]: present(executionRole) ? String(executionRole) : undefined,
  }) as Record<string, string>;
}
