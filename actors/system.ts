import type { StoredSnapshot } from '../persistence/rehydrate.ts';
import { CLUSTER_KIND, Clusters } from './clusters.ts';
import type { ActorDeps } from './deps.ts';
import { ResourceTags } from './resourceTags.ts';
import { FAMILY_KIND, REVISION_KIND, TaskDefinitions } from './taskDefinitions.ts';
import { TASK_KIND, Tasks, type TaskOptions } from './tasks.ts';

/** Every manager, wired to one another; what the HTTP layer calls. */
export interface ActorSystem {
  clusters: Clusters;
  taskDefinitions: TaskDefinitions;
  tasks: Tasks;
  tags: ResourceTags;
}

export function createActorSystem(deps: ActorDeps, options: TaskOptions): ActorSystem {
  const clusters = new Clusters(deps);
  const taskDefinitions = new TaskDefinitions(deps);
  const tasks = new Tasks(deps, clusters, taskDefinitions, options);
  clusters.attachUsage(tasks);
  return { clusters, taskDefinitions, tasks, tags: new ResourceTags(clusters, taskDefinitions, tasks) };
}

/** Restores actors from their snapshots, owners first, then lets the runtime catch up. */
export async function rehydrate(system: ActorSystem, snapshots: Map<string, StoredSnapshot[]>): Promise<number> {
  const restorers: [string, (arn: string, snapshot: unknown) => void][] = [
    [CLUSTER_KIND, (arn, s) => system.clusters.restore(arn, s)],
    [REVISION_KIND, (arn, s) => system.taskDefinitions.restoreRevision(arn, s)],
    [FAMILY_KIND, (arn, s) => system.taskDefinitions.restore(arn, s)],
    [TASK_KIND, (arn, s) => system.tasks.restore(arn, s)],
  ];
  let count = 0;
  for (const [kind, restore] of restorers) {
    for (const s of snapshots.get(kind) ?? []) {
      restore(s.arn, s.snapshot);
      count++;
    }
  }
  await system.clusters.reconcile();
  await system.tasks.reconcile();
  return count;
}
