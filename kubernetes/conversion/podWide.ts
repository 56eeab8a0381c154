import type { V1PodDNSConfig, V1PodSpec } from '@kubernetes/client-node';
import type { References } from './annotations.ts';
import { defined, present, type EcsContainer, type Json, type Notes } from './ecsShapes.ts';
import { externalName } from './names.ts';

// Settings ECS takes per container that a Pod has once: host aliases, DNS, sysctls, the
// hostname and image pull secrets. Each container adds to one PodWide; conflicts are noted.

export interface PodWide {
  hostAliases: Map<string, string[]>;
  nameservers: string[];
  searches: string[];
  sysctls: Map<string, string>;
  hostname?: string;
  pullSecrets: string[];
}

export const emptyPodWide = (): PodWide => ({ hostAliases: new Map(), nameservers: [], searches: [], sysctls: new Map(), pullSecrets: [] });

/** Sysctls with a per-Pod namespace; anything else would change the node. */
const NAMESPACED_SYSCTL = /^(kernel\.shm|kernel\.msg|kernel\.sem$|fs\.mqueue\.|net\.)/;

export function collectPodWide(c: EcsContainer, pod: PodWide, spec: Json, path: string, refs: References, notes: Notes): void {
  for (const host of (c.extraHosts as { hostname?: string; ipAddress?: string }[] | undefined) ?? []) {
    if (!host.hostname || !host.ipAddress) continue;
    const names = pod.hostAliases.get(host.ipAddress) ?? [];
    if (!names.includes(host.hostname)) names.push(host.hostname);
    pod.hostAliases.set(host.ipAddress, names);
  }
  for (const server of (c.dnsServers as string[] | undefined) ?? []) if (!pod.nameservers.includes(server)) pod.nameservers.push(server);
  for (const domain of (c.dnsSearchDomains as string[] | undefined) ?? []) if (!pod.searches.includes(domain)) pod.searches.push(domain);
  for (const control of (c.systemControls as { namespace?: string; value?: string }[] | undefined) ?? []) {
    const name = control.namespace ?? '';
    const where = `${path}.systemControls[${name}]`;
    if (!NAMESPACED_SYSCTL.test(name)) notes.push(`${where}: not a namespaced sysctl; Kubernetes cannot set it per Pod`);
    else if (spec.networkMode === 'host' && name.startsWith('net.')) notes.push(`${where}: net.* sysctls cannot be set with host networking`);
    else if (spec.ipcMode === 'host' && !name.startsWith('net.')) notes.push(`${where}: IPC sysctls cannot be set with the host IPC namespace`);
    else if (pod.sysctls.has(name) && pod.sysctls.get(name) !== control.value) notes.push(`${where}: conflicts with another container's value; the first one applies to the whole Pod`);
    else pod.sysctls.set(name, String(control.value ?? ''));
  }
  if (present(c.hostname)) {
    const hostname = String(c.hostname);
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(hostname)) notes.push(`${path}.hostname: '${hostname}' is not a DNS label; the Pod keeps its name as hostname`);
    else if (pod.hostname && pod.hostname !== hostname) notes.push(`${path}.hostname: the Pod already has hostname '${pod.hostname}'; one hostname per Pod`);
    else pod.hostname = hostname;
  }
  const credentials = (c.repositoryCredentials as { credentialsParameter?: string } | undefined)?.credentialsParameter;
  if (credentials) {
    const name = externalName('kecs-pull', credentials);
    refs.imagePullSecrets[name] = credentials;
    if (!pod.pullSecrets.includes(name)) pod.pullSecrets.push(name);
    notes.push(`${path}.repositoryCredentials: Secrets Manager is not read; the image is pulled with imagePullSecret ${name} (a docker-registry Secret) if it exists`);
  }
}

/** The Pod spec fields a PodWide fills in. */
export function podWideFields(pod: PodWide): Partial<V1PodSpec> {
  const sysctls = [...pod.sysctls].map(([name, value]) => ({ name, value }));
  const hostAliases = [...pod.hostAliases].map(([ip, hostnames]) => ({ ip, hostnames }));
  return {
    hostname: pod.hostname,
    hostAliases: hostAliases.length ? hostAliases : undefined,
    ...podDns(pod),
    securityContext: sysctls.length ? { sysctls } : undefined,
    imagePullSecrets: pod.pullSecrets.length ? pod.pullSecrets.map((name) => ({ name })) : undefined,
  };
}

function podDns(pod: PodWide): Pick<V1PodSpec, 'dnsPolicy' | 'dnsConfig'> {
  if (!pod.nameservers.length && !pod.searches.length) return {};
  const dnsConfig: V1PodDNSConfig = defined({
    nameservers: pod.nameservers.length ? pod.nameservers : undefined,
    searches: pod.searches.length ? pod.searches : undefined,
  });
  // Own name servers replace the cluster's, as --dns replaces Docker's resolver.
  return pod.nameservers.length ? { dnsPolicy: 'None', dnsConfig } : { dnsConfig };
}
