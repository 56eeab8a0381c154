import { ANNOTATION } from '../naming.ts';
import { defined, present, type EcsContainer, type Json } from './ecsShapes.ts';
import type { VolumePlan } from './volumes.ts';

// What the converter records on the Pod for readers that only have the Pod: the ECS
// names behind the Kubernetes ones (podStatus.ts reads them back), which containers are
// essential, and the Kubernetes objects the Pod expects by convention, so a tool can
// create them.

/** The external objects a Pod refers to by convention: Kubernetes name → AWS reference. */
export interface References {
  secrets: Record<string, string>;
  environmentFiles: Record<string, string>;
  imagePullSecrets: Record<string, string>;
}

export const emptyReferences = (): References => ({ secrets: {}, environmentFiles: {}, imagePullSecrets: {} });

export function converterAnnotations(
  containers: EcsContainer[],
  k8sNames: Map<string, string>,
  volumes: VolumePlan,
  refs: References,
  td: Json,
  overrides: Json,
): Record<string, string> {
  const json = (map: Record<string, unknown>) => (Object.keys(map).length ? JSON.stringify(map) : undefined);
  const dockerLabels = Object.fromEntries(containers.filter((c) => present(c.dockerLabels)).map((c) => [c.name, c.dockerLabels]));
  const ecsVolumeNames = Object.fromEntries([...volumes.names].map(([ecs, k8s]) => [k8s, ecs]));
  const taskRole = overrides.taskRoleArn ?? td.taskRoleArn;
  const executionRole = overrides.executionRoleArn ?? td.executionRoleArn;
  return defined({
    [ANNOTATION.containerNames]: JSON.stringify(Object.fromEntries(containers.map((c) => [k8sNames.get(c.name), c.name]))),
    // An absent flag means essential: ECS's default.
    [ANNOTATION.essentialContainers]: containers.filter((c) => c.essential !== false).map((c) => k8sNames.get(c.name)).join(','),
    [ANNOTATION.volumeNames]: json(ecsVolumeNames),
    [ANNOTATION.dockerLabels]: json(dockerLabels),
    [ANNOTATION.secrets]: json(refs.secrets),
    [ANNOTATION.environmentFiles]: json(refs.environmentFiles),
    [ANNOTATION.imagePullSecrets]: json(refs.imagePullSecrets),
    [ANNOTATION.taskRoleArn]: present(taskRole) ? String(taskRole) : undefined,
    [ANNOTATION.executionRoleArn]: present(executionRole) ? String(executionRole) : undefined,
  }) as Record<string, string>;
}
