// ECS shapes as the converter reads them: as loose as the JSON they come from (a task
// definition as DescribeTaskDefinition returns it, RunTask overrides), with the helpers
// every concern of the conversion shares.

export type Json = Record<string, unknown>;
export interface NameValue { name?: string; value?: string }
export interface PortMapping { containerPort?: number; hostPort?: number; protocol?: string; name?: string; appProtocol?: string; containerPortRange?: string }
export interface HealthCheck { command?: string[]; interval?: number; timeout?: number; retries?: number; startPeriod?: number }
export interface MountPoint { sourceVolume?: string; containerPath?: string; readOnly?: boolean }
export interface Dependency { containerName: string; condition?: string }
export interface LinuxParameters {
  capabilities?: { add?: string[]; drop?: string[] };
  devices?: unknown[];
  initProcessEnabled?: boolean;
  sharedMemorySize?: number;
  tmpfs?: { containerPath: string; size: number; mountOptions?: string[] }[];
  maxSwap?: number;
  swappiness?: number;
}
export interface EcsContainer {
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
export interface EcsVolume {
  name?: string;
  host?: { sourcePath?: string };
  dockerVolumeConfiguration?: { scope?: string; driver?: string };
  configuredAtLaunch?: boolean;
  [field: string]: unknown;
}

/** Notes collected while converting one task, each `<field path>: <what happens instead>`. */
export type Notes = string[];

/** Treats what a normalized definition carries by default (`[]`, `{}`, `false`) as absent. */
export function present(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Drops undefined members so the manifest stays small and compares cleanly. */
export function defined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

/** A field the converter does not know is reported, never dropped silently. */
export function reportUnknownFields(object: Json, known: ReadonlySet<string>, path: string, notes: Notes): void {
  for (const [field, value] of Object.entries(object)) {
    if (!known.has(field) && present(value)) notes.push(`${path}.${field}: not understood by KECS; ignored`);
  }
}
