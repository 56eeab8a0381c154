import type { TaskSpec } from './runtime.ts';

// How a user provokes failures in the simulated runtime: environment variables on a
// container, in the task definition or in RunTask's containerOverrides, so it works
// through the plain ECS API from any client.
export const SIMULATE = {
  /** The container exits with this code once the task is RUNNING. */
  exitCode: 'KECS_SIMULATE_EXIT_CODE',
  /** ...after this many milliseconds of running (default 0). */
  exitAfterMs: 'KECS_SIMULATE_EXIT_AFTER_MS',
  /** The task fails to start; the value is the reason, e.g. `CannotPullContainerError: not found`. */
  startFailure: 'KECS_SIMULATE_START_FAILURE',
} as const;

export interface SimulatedContainer {
  name: string;
  essential: boolean;
  exitCode?: number;
  exitAfterMs: number;
  startFailure?: string;
}

type Pair = { name?: string; value?: string };

/** Each container's environment with RunTask's overrides applied, read for provocations. */
export function simulatedContainers(spec: TaskSpec): SimulatedContainer[] {
  const definitions = (spec.taskDefinition.containerDefinitions as Record<string, unknown>[]) ?? [];
  const overrides = ((spec.overrides?.containerOverrides as Record<string, unknown>[]) ?? []);
  return definitions.map((c) => {
    const env = new Map<string, string>();
    for (const e of (c.environment as Pair[]) ?? []) if (e.name) env.set(e.name, e.value ?? '');
    const override = overrides.find((o) => o.name === c.name);
    for (const e of (override?.environment as Pair[]) ?? []) if (e.name) env.set(e.name, e.value ?? '');
    const exitCode = env.has(SIMULATE.exitCode) ? Number(env.get(SIMULATE.exitCode)) : undefined;
    return {
      name: String(c.name),
      essential: c.essential !== false,
      exitCode: Number.isInteger(exitCode) ? exitCode : undefined,
      exitAfterMs: Math.max(0, Number(env.get(SIMULATE.exitAfterMs) ?? 0) || 0),
      startFailure: env.get(SIMULATE.startFailure) || undefined,
    };
  });
}
