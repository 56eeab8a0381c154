import type { V1ContainerPort } from '@kubernetes/client-node';
import type { EcsContainer, Notes } from './ecsShapes.ts';
import { portName } from './names.ts';

// portMappings → container ports. A Pod has one IP, so a port is published on the node
// only with host networking; Service-level settings (appProtocol) have no place here.

export function containerPorts(c: EcsContainer, networkMode: string | undefined, path: string, notes: Notes): V1ContainerPort[] | undefined {
  const ports: V1ContainerPort[] = [];
  const seen = new Set<string>();
  const names = new Set<string>();
  for (const p of c.portMappings ?? []) {
    const where = `${path}.portMappings[${p.name ?? p.containerPort ?? p.containerPortRange}]`;
    if (p.containerPortRange) notes.push(`${where}.containerPortRange: port ranges are not supported on Kubernetes`);
    if (p.containerPort === undefined) continue;
    const protocol = (p.protocol ?? 'tcp').toUpperCase();
    const key = `${p.containerPort}/${protocol}`;
    if (seen.has(key)) {
      notes.push(`${where}: duplicate of ${key}; kept once`);
      continue;
    }
    seen.add(key);
    const port: V1ContainerPort = { containerPort: p.containerPort, protocol };
    if (p.name) {
      const name = portName(p.name);
      if (name && !names.has(name)) {
        names.add(name);
        port.name = name;
      } else notes.push(`${where}.name: '${p.name}' cannot be a unique Kubernetes port name; the port is unnamed`);
    }
    if (p.appProtocol) notes.push(`${where}.appProtocol: belongs on a Service port; not set on the Pod`);
    // Only host networking publishes on the node; elsewhere the Pod IP is the address.
    if (networkMode === 'host') port.hostPort = p.containerPort;
    else if (networkMode === 'bridge' && p.hostPort && p.hostPort !== p.containerPort) {
      notes.push(`${where}.hostPort: ${p.hostPort} is not published; reach port ${p.containerPort} on the Pod IP`);
    }
    ports.push(port);
  }
  return ports.length > 0 ? ports : undefined;
}
