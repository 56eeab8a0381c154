import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { defined, present, reportUnknownFields, type EcsContainer, type EcsVolume, type MountPoint, type Notes } from './ecsShapes.ts';
import { claim, dnsLabel } from './names.ts';
import { memoryQuantity } from './resources.ts';

// Volumes and mounts: task volumes → Pod volumes, then per container its mountPoints,
// those it takes over with volumesFrom, and memory-backed scratch space (shm, tmpfs).

export interface VolumePlan {
  volumes: V1Volume[];
  /** ECS volume name → Kubernetes volume name. */
  names: Map<string, string>;
  taken: Set<string>;
}

const VOLUME_FIELDS = new Set(['name', 'host', 'dockerVolumeConfiguration', 'efsVolumeConfiguration', 's3filesVolumeConfiguration', 'fsxWindowsFileServerVolumeConfiguration', 'configuredAtLaunch']);
const REMOTE_VOLUMES: Record<string, string> = {
  efsVolumeConfiguration: 'EFS',
  fsxWindowsFileServerVolumeConfiguration: 'FSx for Windows File Server',
  s3filesVolumeConfiguration: 'S3 Files',
};

export function planVolumes(volumes: EcsVolume[], notes: Notes): VolumePlan {
  const plan: VolumePlan = { volumes: [], names: new Map(), taken: new Set() };
  for (const v of volumes) {
    if (!v.name) continue;
    const path = `volumes[${v.name}]`;
    reportUnknownFields(v, VOLUME_FIELDS, path, notes);
    const name = claim(plan.taken, dnsLabel(v.name));
    plan.names.set(v.name, name);
    const remote = Object.keys(REMOTE_VOLUMES).find((field) => present(v[field]));
    if (remote) {
      notes.push(`${path}.${remote}: ${REMOTE_VOLUMES[remote]} is not reachable from Kubernetes; an empty emptyDir is mounted instead`);
      plan.volumes.push({ name, emptyDir: {} });
    } else if (v.host?.sourcePath) {
      // Docker creates a missing bind-mount source; DirectoryOrCreate does the same.
      plan.volumes.push({ name, hostPath: { path: v.host.sourcePath, type: 'DirectoryOrCreate' } });
    } else {
      const docker = v.dockerVolumeConfiguration;
      if (docker?.scope === 'shared') notes.push(`${path}.dockerVolumeConfiguration.scope: shared volumes outlive tasks on ECS; this emptyDir lives as long as the Pod`);
      if (docker?.driver && docker.driver !== 'local') notes.push(`${path}.dockerVolumeConfiguration.driver: '${docker.driver}' is not supported; an emptyDir is used`);
      if (v.configuredAtLaunch === true) notes.push(`${path}.configuredAtLaunch: EBS volumes are not supported; an emptyDir is used`);
      plan.volumes.push({ name, emptyDir: {} });
    }
  }
  return plan;
}

/** The container's own mount points, then those it takes over with volumesFrom (transitively). */
function mountPointsOf(c: EcsContainer, byName: Map<string, EcsContainer>, seen = new Set<string>()): MountPoint[] {
  seen.add(c.name);
  const inherited = (c.volumesFrom ?? []).flatMap((from) => {
    const source = from.sourceContainer === undefined ? undefined : byName.get(from.sourceContainer);
    if (!source || seen.has(source.name)) return [];
    return mountPointsOf(source, byName, seen).map((m) => (from.readOnly ? { ...m, readOnly: true } : m));
  });
  return [...(c.mountPoints ?? []), ...inherited];
}

/** The container's volume mounts; its shm and tmpfs volumes are added to `plan` on the way. */
export function containerStorage(
  c: EcsContainer,
  k8sName: string,
  byName: Map<string, EcsContainer>,
  plan: VolumePlan,
  path: string,
  notes: Notes,
): V1VolumeMount[] | undefined {
  const mounts: V1VolumeMount[] = [];
  const paths = new Set<string>();
  const mount = (name: string, mountPath: string, readOnly?: boolean) => {
    if (paths.has(mountPath)) {
      notes.push(`${path}: ${mountPath} is mounted twice; the first mount is kept`);
      return;
    }
    paths.add(mountPath);
    mounts.push(defined({ name, mountPath, readOnly: readOnly === true ? true : undefined }));
  };
  for (const from of c.volumesFrom ?? []) {
    if (from.sourceContainer === undefined || !byName.has(from.sourceContainer)) {
      notes.push(`${path}.volumesFrom[${from.sourceContainer}]: no such container; ignored`);
    }
  }
  for (const m of mountPointsOf(c, byName)) {
    const name = m.sourceVolume === undefined ? undefined : plan.names.get(m.sourceVolume);
    if (!name || !m.containerPath) notes.push(`${path}.mountPoints[${m.sourceVolume}]: no such volume or no containerPath; not mounted`);
    else mount(name, m.containerPath, m.readOnly);
  }
  // Memory-backed scratch space: the Kubernetes spelling of --shm-size and --tmpfs.
  const linux = c.linuxParameters ?? {};
  if (linux.sharedMemorySize !== undefined && linux.sharedMemorySize > 0) {
    const name = claim(plan.taken, `${k8sName.slice(0, 55)}-shm`);
    plan.volumes.push({ name, emptyDir: { medium: 'Memory', sizeLimit: memoryQuantity(linux.sharedMemorySize) } });
    mount(name, '/dev/shm');
  }
  for (const [i, tmpfs] of (linux.tmpfs ?? []).entries()) {
    const name = claim(plan.taken, `${k8sName.slice(0, 52)}-tmpfs-${i}`);
    plan.volumes.push({ name, emptyDir: defined({ medium: 'Memory', sizeLimit: tmpfs.size ? memoryQuantity(tmpfs.size) : undefined }) });
    mount(name, tmpfs.containerPath);
    if (present(tmpfs.mountOptions)) notes.push(`${path}.linuxParameters.tmpfs[${tmpfs.containerPath}].mountOptions: not supported on Kubernetes`);
  }
  return mounts.length ? mounts : undefined;
}
