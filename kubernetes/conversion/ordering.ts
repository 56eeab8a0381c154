import type { V1Container } from '@kubernetes/client-node';
import type { EcsContainer, Notes } from './ecsShapes.ts';
import { probeFor } from './probes.ts';

// How containers start and restart, both spelled with Kubernetes' per-container
// restartPolicy: ECS dependsOn → init containers and sidecars (restartPolicy Always), and
// ECS restartPolicy → restart rules on regular containers. The Pod itself never restarts
// a container (restartPolicy Never), as ECS does not unless asked.

/** Where a container lands in the Pod: a regular container, a run-to-completion init container, or a sidecar. */
export type Role = 'main' | 'init' | 'sidecar';
export interface StartPlan {
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
export function planStartOrder(containers: EcsContainer[], notes: Notes): StartPlan {
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
  return { roles, initOrder: orderInitContainers(containers, byName, roles, notes), healthGated };
}

/** Topological order among init containers, definition order among equals. */
function orderInitContainers(containers: EcsContainer[], byName: Map<string, EcsContainer>, roles: Map<string, Role>, notes: Notes): string[] {
  const initNames = containers.filter((c) => roles.get(c.name) !== 'main').map((c) => c.name);
  const waitsFor = (name: string) => (byName.get(name)?.dependsOn ?? []).map((d) => d.containerName).filter((d) => initNames.includes(d) && d !== name);
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < initNames.length) {
    const next = initNames.find((n) => !placed.has(n) && waitsFor(n).every((d) => placed.has(d)));
    if (next === undefined) {
      const cycle = initNames.filter((n) => !placed.has(n));
      notes.push(`dependsOn: ${cycle.join(', ')} depend on each other in a cycle; started in definition order`);
      order.push(...cycle);
      break;
    }
    placed.add(next);
    order.push(next);
  }
  return order;
}

/**
 * A container's own restartPolicy: Always for a sidecar; otherwise ECS's. ECS restarts a
 * container with an enabled restart policy unless it exits with an ignored code.
 * Kubernetes says the same with a per-container restartPolicy and restartPolicyRules
 * (ContainerRestartRules; the 1.37 testbed accepts them). An API server without that
 * feature drops the fields, and the container is simply not restarted.
 */
export function restartFields(c: EcsContainer, role: Role, path: string, notes: Notes): Pick<V1Container, 'restartPolicy' | 'restartPolicyRules'> {
  // A sidecar keeps running beside the others, and Kubernetes restarts it if it exits.
  if (role === 'sidecar') return { restartPolicy: 'Always' };
  const policy = c.restartPolicy;
  if (policy?.enabled !== true) return {};
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
