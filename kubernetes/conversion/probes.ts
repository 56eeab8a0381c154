import type { V1Probe } from '@kubernetes/client-node';
import type { HealthCheck, Notes } from './ecsShapes.ts';

// An ECS healthCheck → an exec probe. Where the probe goes (readiness and liveness, a
// startup gate, or nowhere for a run-to-completion container) is the caller's decision.

/** ECS defaults that DescribeTaskDefinition does not fill in. */
const HEALTH_DEFAULTS = { interval: 30, timeout: 5, retries: 3, startPeriod: 0 };

export function probeFor(check: HealthCheck, path: string, notes: Notes): V1Probe | undefined {
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
