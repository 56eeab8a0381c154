import { createHash } from 'node:crypto';
import type { TaskSpec } from './runtime.ts';

// The one place that names and labels what KECS creates on Kubernetes. ECS names allow
// upper case and `_` and run to 255 characters; Kubernetes names are DNS labels and label
// values are at most 63 characters, so values are folded and, when folding loses
// information or length, suffixed with a hash of the original. The original values ride
// along as annotations.

export const MANAGED_LABEL = 'kecs.dev/managed';
export const LABEL = {
  cluster: 'kecs.dev/cluster',
  region: 'kecs.dev/region',
  taskId: 'kecs.dev/task-id',
  family: 'kecs.dev/family',
  revision: 'kecs.dev/revision',
  service: 'kecs.dev/service',
  deploymentId: 'kecs.dev/deployment-id',
} as const;
/** Every annotation key KECS writes, whoever writes it. */
export const ANNOTATION = {
  // Written by annotationsFor below (and on Namespaces, the cluster name).
  taskArn: 'kecs.dev/task-arn',
  cluster: 'kecs.dev/cluster-name',
  family: 'kecs.dev/family-name',
  service: 'kecs.dev/service-name',
  deploymentId: 'kecs.dev/deployment-id',
  // Written by the converter (conversion/annotations.ts); podStatus.ts reads the first two back.
  /** JSON map: Kubernetes container name → ECS container name. */
  containerNames: 'kecs.dev/container-names',
  /** Comma-separated Kubernetes (not ECS) container names of the essential containers. */
  essentialContainers: 'kecs.dev/essential-containers',
  /** JSON map: Kubernetes volume name → ECS volume name. */
  volumeNames: 'kecs.dev/volume-names',
  /** JSON map: ECS container name → its dockerLabels. */
  dockerLabels: 'kecs.dev/docker-labels',
  /** JSON maps: Kubernetes object name → the AWS reference it stands for. */
  secrets: 'kecs.dev/secrets',
  environmentFiles: 'kecs.dev/environment-files',
  imagePullSecrets: 'kecs.dev/image-pull-secrets',
  taskRoleArn: 'kecs.dev/task-role-arn',
  executionRoleArn: 'kecs.dev/execution-role-arn',
} as const;

/** Eight hex characters of SHA-256: what keeps two folded names apart. */
export const shortHash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 8);

function fold(value: string, max: number, allowed: RegExp, edge: RegExp): string {
  const folded = value.replace(allowed, '-').replace(edge, '');
  if (folded === value && folded.length <= max && folded.length > 0) return folded;
  return `${folded.slice(0, max - 9).replace(edge, '')}-${shortHash(value)}`.replace(/^-/, 'x-');
}

/** A DNS-1123 label (Namespace, and the prefix rules of Pod names). */
const dnsLabel = (value: string) => fold(value.toLowerCase(), 63, /[^a-z0-9-]/g, /^-+|-+$/g);

/** A label value: `[A-Za-z0-9_.-]`, starting and ending alphanumeric, at most 63. */
export const labelValue = (value: string) => fold(value, 63, /[^A-Za-z0-9_.-]/g, /^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g);

export function namespaceFor(region: string, clusterName: string): string {
  const plain = `kecs-${region}-${clusterName}`;
  return plain === plain.toLowerCase() && /^[a-z0-9-]+$/.test(plain) && plain.length <= 63
    ? plain
    : `${dnsLabel(plain).slice(0, 54).replace(/-+$/, '')}-${shortHash(`${region}/${clusterName}`)}`;
}

/** Task ids are 32 lowercase hex characters, so the Pod name is exact and unique. */
export const podNameFor = (taskId: string) => `task-${taskId}`;

export function labelsFor(spec: TaskSpec, region: string): Record<string, string> {
  const labels: Record<string, string> = {
    [MANAGED_LABEL]: 'true',
    [LABEL.cluster]: labelValue(spec.clusterName),
    [LABEL.region]: region,
    [LABEL.taskId]: spec.taskId,
    [LABEL.family]: labelValue(String(spec.taskDefinition.family)),
    [LABEL.revision]: String(spec.taskDefinition.revision),
  };
  if (spec.serviceName) labels[LABEL.service] = labelValue(spec.serviceName);
  if (spec.deploymentId) labels[LABEL.deploymentId] = labelValue(spec.deploymentId);
  return labels;
}

export function annotationsFor(spec: TaskSpec): Record<string, string> {
  const annotations: Record<string, string> = {
    [ANNOTATION.taskArn]: spec.taskArn,
    [ANNOTATION.cluster]: spec.clusterName,
    [ANNOTATION.family]: String(spec.taskDefinition.family),
  };
  if (spec.serviceName) annotations[ANNOTATION.service] = spec.serviceName;
  if (spec.deploymentId) annotations[ANNOTATION.deploymentId] = spec.deploymentId;
  return annotations;
}
