import type { V1SecurityContext } from '@kubernetes/client-node';
import { defined, present, type EcsContainer, type Notes } from './ecsShapes.ts';

// A container's security context: user, privileges, capabilities, read-only root and
// the Docker security options Kubernetes has a field for. (Sysctls are Pod-wide: podWide.ts.)

export function securityContextFor(c: EcsContainer, path: string, notes: Notes): V1SecurityContext | undefined {
  const context: V1SecurityContext = {};
  if (present(c.user)) {
    const m = /^(\d+)(?::(\d+))?$/.exec(String(c.user));
    if (m) {
      context.runAsUser = Number(m[1]);
      if (m[2] !== undefined) context.runAsGroup = Number(m[2]);
    } else notes.push(`${path}.user: '${c.user}' is not numeric; Kubernetes needs a uid (and gid), so the image's user is used`);
  }
  if (c.privileged === true) context.privileged = true;
  if (c.readonlyRootFilesystem === true) context.readOnlyRootFilesystem = true;
  const caps = c.linuxParameters?.capabilities;
  const strip = (names: string[] | undefined) => (present(names) ? names!.map((n) => n.replace(/^CAP_/i, '')) : undefined);
  if (present(caps?.add) || present(caps?.drop)) context.capabilities = defined({ add: strip(caps?.add), drop: strip(caps?.drop) });
  for (const option of c.dockerSecurityOptions ?? []) {
    if (/^no-new-privileges(:true)?$/.test(option)) {
      // The API server refuses no-new-privileges next to what needs new privileges.
      if (c.privileged === true || context.capabilities?.add?.some((n) => /^(SYS_ADMIN|ALL)$/i.test(n))) {
        notes.push(`${path}.dockerSecurityOptions[${option}]: conflicts with privileged/SYS_ADMIN on Kubernetes; not applied`);
      } else context.allowPrivilegeEscalation = false;
    } else notes.push(`${path}.dockerSecurityOptions[${option}]: not supported on Kubernetes`);
  }
  return Object.keys(context).length ? context : undefined;
}
