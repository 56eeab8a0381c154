import type { Runtime } from './runtime.ts';

/** Runs nothing for real: clusters need no infrastructure, so provisioning succeeds at once. */
export function createSimulatedRuntime(): Runtime {
  const clusters = new Set<string>();
  return {
    name: 'simulated',
    async provisionCluster(name) {
      clusters.add(name);
    },
    async deprovisionCluster(name) {
      clusters.delete(name);
    },
    async close() {
      clusters.clear();
    },
  };
}
