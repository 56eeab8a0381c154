// What a runtime reports about a task. The task machine derives the task's status from
// these observations and from nothing else.

export const TASK_STATUSES = [
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'RUNNING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
  'STOPPED',
] as const;

export type TaskStatus = (typeof TASK_STATUSES)[number];

export type StopCode =
  | 'TaskFailedToStart'
  | 'EssentialContainerExited'
  | 'UserInitiated'
  | 'ServiceSchedulerInitiated'
  | 'SpotInterruption'
  | 'TerminationNotice';

export type HealthStatus = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

export interface ContainerObservation {
  name: string;
  lastStatus: 'PENDING' | 'RUNNING' | 'STOPPED';
  exitCode?: number;
  reason?: string;
  healthStatus?: HealthStatus;
  /** The runtime's id for the container (a container id on Kubernetes). */
  runtimeId?: string;
}

export interface TaskObservation {
  lastStatus: TaskStatus;
  /** Epoch milliseconds when the runtime saw it. */
  at: number;
  containers?: ContainerObservation[];
  /** Set when the runtime itself stopped the task (start failure, essential container exit). */
  stopCode?: StopCode;
  stoppedReason?: string;
}

/** Statuses only move forward; an observation of an earlier status is stale. */
export const statusRank = (s: TaskStatus): number => TASK_STATUSES.indexOf(s);
