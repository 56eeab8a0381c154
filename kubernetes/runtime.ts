/**
 * What the actors ask of whatever runs the containers. The simulated runtime and the
 * Kubernetes runtime both implement it; actors never know which one they drive. Every
 * effect is idempotent, so it can be re-applied after a restart.
 */
export interface Runtime {
  readonly name: 'simulated' | 'kubernetes';
  /** Makes room for a cluster's tasks (a Namespace on Kubernetes). */
  provisionCluster(clusterName: string): Promise<void>;
  /** Removes what provisionCluster made. */
  deprovisionCluster(clusterName: string): Promise<void>;
  close(): Promise<void>;
}
