import type { V1Container, V1Pod, V1PodSpec } from '@kubernetes/client-node';
import { converterAnnotations, emptyReferences, type References } from './conversion/annotations.ts';
import { processFields } from './conversion/commands.ts';
import { defined, type EcsContainer, type EcsVolume, type Json, type Notes } from './conversion/ecsShapes.ts';
import { claim, dnsLabel } from './conversion/names.ts';
import { containerNotes, taskNotes } from './conversion/notes.ts';
import { planStartOrder, restartFields, type StartPlan } from './conversion/ordering.ts';
import { applyContainerOverrides } from './conversion/overrides.ts';
import { collectPodWide, emptyPodWide, podWideFields, type PodWide } from './conversion/podWide.ts';
import { containerPorts } from './conversion/ports.ts';
import { probeFor } from './conversion/probes.ts';
import { containerResources, podResources } from './conversion/resources.ts';
import { securityContextFor } from './conversion/security.ts';
import { containerStorage, planVolumes, type VolumePlan } from './conversion/volumes.ts';
import type { TaskSpec } from './runtime.ts';

// The one converter from an ECS task (task definition + RunTask overrides) to a Pod.
// It is pure: the same input always gives the same Pod, so it can run in a worker thread
// and be re-applied after a restart. Whatever Kubernetes cannot express is reported in
// `unsupported` as "<field path>: <what happens instead>", never dropped silently.
// This file assembles the Pod; each concern lives in conversion/. Everything it imports
// from @kubernetes/client-node is a type: the worker thread must not load the client.
//
// Conventions a user has to know (README "How task definitions become Pods"):
// - `secrets[].valueFrom` → env from Secret `externalName('kecs-secret', valueFrom)`, key `value`.
// - `environmentFiles[].value` → envFrom ConfigMap `externalName('kecs-env', value)`.
// - `repositoryCredentials.credentialsParameter` → imagePullSecret `externalName('kecs-pull', arn)`.
// The references are listed in annotations so a tool can create those objects.

export interface ConversionInput {
  spec: TaskSpec;
  namespace: string;
  podName: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ConversionResult {
  /** A plain JSON-serializable Pod manifest. */
  pod: V1Pod;
  /** Human-readable notes on fields Kubernetes cannot express, as `<path>: <note>`. */
  unsupported: string[];
}

/** ECS's default when no container sets stopTimeout; DescribeTaskDefinition does not fill it in. */
const DEFAULT_STOP_TIMEOUT_SECONDS = 30;

/** What every container's conversion reads from the task as a whole, and adds to. */
interface TaskContext {
  td: Json;
  /** The containers (overrides applied) by ECS name. */
  byName: Map<string, EcsContainer>;
  /** ECS container name → Kubernetes container name. */
  k8sNames: Map<string, string>;
  volumes: VolumePlan;
  start: StartPlan;
  refs: References;
  podWide: PodWide;
  notes: Notes;
}

export function convertTask(input: ConversionInput): ConversionResult {
  const notes: Notes = [];
  const td = input.spec.taskDefinition;
  const overrides = input.spec.overrides ?? {};
  taskNotes(td, overrides, notes);

  const containers = applyContainerOverrides(
    (td.containerDefinitions as EcsContainer[] | undefined) ?? [],
    (overrides.containerOverrides as Json[] | undefined) ?? [],
    notes,
  );
  const takenContainerNames = new Set<string>();
  const task: TaskContext = {
    td,
    byName: new Map(containers.map((c) => [c.name, c])),
    k8sNames: new Map(containers.map((c) => [c.name, claim(takenContainerNames, dnsLabel(c.name))])),
    volumes: planVolumes((td.volumes as EcsVolume[] | undefined) ?? [], notes),
    start: planStartOrder(containers, notes),
    refs: emptyReferences(),
    podWide: emptyPodWide(),
    notes,
  };
  const built = new Map(containers.map((c) => [c.name, containerFor(c, task)]));

  const { start, volumes } = task;
  const initContainers = start.initOrder.map((n) => built.get(n)!);
  const mainContainers = containers.filter((c) => start.roles.get(c.name) === 'main').map((c) => built.get(c.name)!);
  if (mainContainers.length === 0 && containers.length > 0) notes.push('dependsOn: every container is a dependency of another; the Pod has no regular container');

  const stopTimeout = Math.max(...containers.map((c) => c.stopTimeout ?? DEFAULT_STOP_TIMEOUT_SECONDS), 0);
  const networkMode = td.networkMode as string | undefined;
  const spec: V1PodSpec = defined({
    // ECS never restarts a container of a task: an essential container's exit stops the task.
    restartPolicy: 'Never',
    terminationGracePeriodSeconds: stopTimeout || DEFAULT_STOP_TIMEOUT_SECONDS,
    initContainers: initContainers.length ? initContainers : undefined,
    containers: mainContainers,
    volumes: volumes.volumes.length ? volumes.volumes : undefined,
    resources: podResources({ cpu: overrides.cpu ?? td.cpu, memory: overrides.memory ?? td.memory }, initContainers, mainContainers, notes),
    hostNetwork: networkMode === 'host' ? true : undefined,
    hostPID: td.pidMode === 'host' ? true : undefined,
    hostIPC: td.ipcMode === 'host' ? true : undefined,
    shareProcessNamespace: td.pidMode === 'task' ? true : undefined,
    ...podWideFields(task.podWide),
  });

  const annotations = converterAnnotations(containers, task.k8sNames, volumes, task.refs, td, overrides);
  return {
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: input.podName,
        namespace: input.namespace,
        labels: { ...input.labels },
        annotations: { ...annotations, ...input.annotations },
      },
      spec,
    },
    unsupported: notes,
  };
}

/** One ECS container as a Kubernetes container: regular, init or sidecar, as the start plan says. */
function containerFor(c: EcsContainer, task: TaskContext): V1Container {
  const { notes } = task;
  const path = `containerDefinitions[${c.name}]`;
  const name = task.k8sNames.get(c.name)!;
  containerNotes(c, path, notes);
  collectPodWide(c, task.podWide, task.td, path, task.refs, notes);
  const role = task.start.roles.get(c.name)!;
  const probe = c.healthCheck ? probeFor(c.healthCheck, path, notes) : undefined;
  if (probe && role === 'init') notes.push(`${path}.healthCheck: runs to completion before others start, where Kubernetes allows no probes; not checked`);
  const probes = role === 'init' || !probe ? {} : { readinessProbe: probe, livenessProbe: probe };
  const container: V1Container = defined({
    name,
    image: String(c.image ?? ''),
    ...processFields(c, path, task.refs, notes),
    ports: containerPorts(c, task.td.networkMode as string | undefined, path, notes),
    resources: containerResources(c, path, notes),
    volumeMounts: containerStorage(c, name, task.byName, task.volumes, path, notes),
    securityContext: securityContextFor(c, path, notes),
    ...probes,
    startupProbe: task.start.healthGated.has(c.name) ? probe : undefined,
    ...restartFields(c, role, path, notes),
  });
  if (role === 'sidecar') notes.push(`${path}: runs as a sidecar so dependents can wait for it; Kubernetes restarts it if it exits, where ECS would not`);
  return container;
}
