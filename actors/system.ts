import type { StoredSnapshot } from '../persistence/rehydrate.ts';
import { CLUSTER_KIND, Clusters } from './clusters.ts';
import type { ActorDeps } from './deps.ts';
import { ResourceTags } from './resourceTags.ts';
import { FAMILY_KIND, TaskDefinitions } from './taskDefinitions.ts';

/** Every manager, wired to one another; what the HTTP layer calls. */
export interface ActorSystem {
  clusters: Clusters;
  taskDefinitions: TaskDefinitions;
  tags: ResourceTags;
}

export function createActorSystem(deps: ActorDeps): ActorSystem {
  const clusters = new Clusters(deps);
  const taskDefinitions = new TaskDefinitions(deps);
  return { clusters, taskDefinitions, tags: new ResourceTags(clusters, taskDefinitions) };
}

/** Restores actors from their snapshots, owners first. */
export function rehydrate(system: ActorSystem, snapshots: Map<string, StoredSnapshot[]>): number {
  let count = 0;
  for (const s of snapshots.get(CLUSTER_KIND) ?? []) {
    system.clusters.restore(s.arn, s.snapshot);
    count++;
  }
  for (const s of snapshots.get(FAMILY_KIND) ?? []) {
    system.taskDefinitions.restore(s.arn, s.snapshot);
    count++;
  }
  return count;
}
