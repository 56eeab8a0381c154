import { present, reportUnknownFields, type EcsContainer, type Json, type Notes } from './ecsShapes.ts';
import { TASK_OVERRIDE_FIELDS } from './overrides.ts';

// Fields with nothing to map to, and fields nobody told the converter about: each one set
// gets a note, so what Kubernetes cannot express is reported, never dropped silently.
// A field another module maps must be listed in CONTAINER_MAPPED or TASK_FIELDS, or it
// is reported as not understood.

/** Container fields that only get a note (when set). */
const CONTAINER_NOTES: Record<string, string> = {
  links: 'not supported on Kubernetes; containers of a Pod reach each other on localhost',
  ulimits: 'not supported on Kubernetes (no ulimit field); the node defaults apply',
  logConfiguration: 'not applied; the container output is in the Pod logs (kubectl logs)',
  firelensConfiguration: 'not supported on Kubernetes',
  credentialSpecs: 'not supported on Kubernetes',
  startTimeout: 'not supported on Kubernetes; waits for dependencies have no timeout',
  disableNetworking: 'not supported on Kubernetes; containers share the Pod network',
};
const LINUX_NOTES: Record<string, string> = {
  devices: 'host devices are not supported on Kubernetes',
  initProcessEnabled: 'no init process is injected on Kubernetes',
  maxSwap: 'not supported on Kubernetes',
  swappiness: 'not supported on Kubernetes',
};
/** Container fields that the other conversion modules map (or note) themselves. */
const CONTAINER_MAPPED = new Set([
  'name', 'image', 'cpu', 'memory', 'memoryReservation', 'resourceRequirements', 'portMappings', 'essential', 'entryPoint',
  'command', 'environment', 'environmentFiles', 'secrets', 'mountPoints', 'volumesFrom', 'linuxParameters', 'dependsOn',
  'stopTimeout', 'hostname', 'user', 'workingDirectory', 'privileged', 'readonlyRootFilesystem', 'dnsServers',
  'dnsSearchDomains', 'extraHosts', 'dockerSecurityOptions', 'interactive', 'pseudoTerminal', 'dockerLabels',
  'healthCheck', 'systemControls', 'repositoryCredentials', 'restartPolicy', 'versionConsistency',
]);
const CONTAINER_FIELDS = new Set([...CONTAINER_MAPPED, ...Object.keys(CONTAINER_NOTES)]);

/** Task definition fields that describe the registration, not what runs. */
const TASK_METADATA = [
  'taskDefinitionArn', 'family', 'revision', 'status', 'registeredAt', 'registeredBy', 'deregisteredAt',
  'requiresAttributes', 'compatibilities', 'requiresCompatibilities', 'tags',
];
const TASK_NOTES: Record<string, string> = {
  placementConstraints: 'not applied; the Kubernetes scheduler places the Pod',
  proxyConfiguration: 'App Mesh proxy configuration is not supported on Kubernetes',
  inferenceAccelerators: 'not supported on Kubernetes',
  trustedExecutionConfiguration: 'not supported on Kubernetes',
  enableFaultInjection: 'not supported on Kubernetes',
  runtimePlatform: 'not enforced; the Pod runs on whatever OS and architecture the nodes have',
};
const TASK_FIELDS = new Set([
  ...TASK_METADATA, ...Object.keys(TASK_NOTES),
  'containerDefinitions', 'volumes', 'networkMode', 'cpu', 'memory', 'taskRoleArn', 'executionRoleArn', 'pidMode', 'ipcMode', 'ephemeralStorage',
]);

function noteFields(object: Json, notesFor: Record<string, string>, path: string, notes: Notes): void {
  for (const [field, note] of Object.entries(notesFor)) if (present(object[field])) notes.push(`${path}${field}: ${note}`);
}

export function containerNotes(c: EcsContainer, path: string, notes: Notes): void {
  reportUnknownFields(c, CONTAINER_FIELDS, path, notes);
  noteFields(c, CONTAINER_NOTES, `${path}.`, notes);
  const linux = (c.linuxParameters ?? {}) as Json;
  noteFields(linux, LINUX_NOTES, `${path}.linuxParameters.`, notes);
  reportUnknownFields(linux, new Set(['capabilities', 'sharedMemorySize', 'tmpfs', ...Object.keys(LINUX_NOTES)]), `${path}.linuxParameters`, notes);
  if (c.versionConsistency === 'enabled') notes.push(`${path}.versionConsistency: the image tag is not pinned to a digest; Kubernetes pulls the tag as written`);
}

export function taskNotes(td: Json, overrides: Json, notes: Notes): void {
  reportUnknownFields(td, TASK_FIELDS, 'taskDefinition', notes);
  noteFields(td, TASK_NOTES, '', notes);
  reportUnknownFields(overrides, TASK_OVERRIDE_FIELDS, 'overrides', notes);
  if (present(overrides.inferenceAcceleratorOverrides)) notes.push('overrides.inferenceAcceleratorOverrides: not supported on Kubernetes');
  if (td.networkMode === 'none') notes.push('networkMode: none is not supported on Kubernetes; the Pod gets a network');
  if (td.ipcMode === 'none') notes.push('ipcMode: none is not supported on Kubernetes; containers of a Pod share IPC');
  const storage = (overrides.ephemeralStorage ?? td.ephemeralStorage) as { sizeInGiB?: number } | undefined;
  if (storage?.sizeInGiB !== undefined) notes.push(`ephemeralStorage: ${storage.sizeInGiB} GiB is not enforced; Pod-level resources cover cpu and memory only`);
  if (present(overrides.taskRoleArn ?? td.taskRoleArn)) {
    notes.push('taskRoleArn: recorded in an annotation; no AWS credentials are given to the containers');
  }
}
