import type { TaskObservation } from '../machines/taskObservation.ts';

/** Everything a runtime needs to run one task; derived from the task's actor. */
export interface TaskSpec {
  taskArn: string;
  /** 32 lowercase hex characters. */
  taskId: string;
  clusterName: string;
  /** The task definition revision as DescribeTaskDefinition returns it. */
  taskDefinition: Record<string, unknown>;
  /** RunTask `overrides` (containerOverrides, cpu, memory, taskRoleArn, ...). */
  overrides?: Record<string, unknown>;
  startedBy?: string;
  group?: string;
  /** Set for tasks a service started. */
  serviceName?: string;
  deploymentId?: string;
}

export type ObservationListener = (taskArn: string, observation: TaskObservation) => void;

/**
 * What the actors ask of whatever runs the containers. The simulated runtime and the
 * Kubernetes runtime both implement it; actors never know which one they drive. Every
 * effect is idempotent (names derive from ids), so it can be re-applied after a restart.
 */
export interface Runtime {
  readonly name: 'simulated' | 'kubernetes';
  /** Makes room for a cluster's tasks (a Namespace on Kubernetes). */
  provisionCluster(clusterName: string): Promise<void>;
  /** Removes what provisionCluster made. */
  deprovisionCluster(clusterName: string): Promise<void>;
  /** Starts the task; its progress arrives as observations. */
  startTask(spec: TaskSpec): Promise<void>;
  /** Stops the task, giving its containers `gracePeriodSeconds` between SIGTERM and SIGKILL. */
  stopTask(spec: TaskSpec, gracePeriodSeconds: number): Promise<void>;
  /** Every observation of every task; returns an unsubscribe function. */
  observe(listener: ObservationListener): () => void;
  /**
   * After a restart: `known` are the tasks not yet STOPPED. The runtime adopts what still
   * runs (and reports its current state), reports a STOPPED observation for each known task
   * whose workload vanished, and removes workloads it owns that no known task claims.
   */
  reconcile(known: TaskSpec[]): Promise<void>;
  close(): Promise<void>;
}
