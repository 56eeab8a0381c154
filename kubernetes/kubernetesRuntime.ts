import * as k8s from '@kubernetes/client-node';
import type { Logger } from '../telemetry/logger.ts';
import { namespaceFor } from './naming.ts';
import type { Runtime } from './runtime.ts';

export interface KubernetesRuntimeOptions {
  kubeconfig?: string;
  region: string;
  logger: Logger;
}

const isStatus = (err: unknown, code: number) => (err as { code?: number })?.code === code;

/** Clusters as Namespaces on a real Kubernetes cluster. */
export async function createKubernetesRuntime(options: KubernetesRuntimeOptions): Promise<Runtime> {
  const kc = new k8s.KubeConfig();
  if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
  else kc.loadFromDefault();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return {
    name: 'kubernetes',
    async provisionCluster(clusterName) {
      const name = namespaceFor(options.region, clusterName);
      try {
        await core.createNamespace({
          body: {
            metadata: {
              name,
              labels: { 'kecs.dev/managed': 'true', 'kecs.dev/cluster': clusterName, 'kecs.dev/region': options.region },
            },
          },
        });
      } catch (err) {
        if (!isStatus(err, 409)) throw err; // already there: provisioning is idempotent
      }
    },
    async deprovisionCluster(clusterName) {
      try {
        await core.deleteNamespace({ name: namespaceFor(options.region, clusterName) });
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
      }
    },
    async close() {},
  };
}
