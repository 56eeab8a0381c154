import { defined, reportUnknownFields, type EcsContainer, type Json, type NameValue, type Notes } from './ecsShapes.ts';

// RunTask `overrides` applied to the task definition's containers, the ECS way.

export const TASK_OVERRIDE_FIELDS = new Set([
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

export function applyContainerOverrides(containers: EcsContainer[], overrides: Json[], notes: Notes): EcsContainer[] {
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
