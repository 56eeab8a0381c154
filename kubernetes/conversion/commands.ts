import type { V1Container, V1EnvFromSource, V1EnvVar } from '@kubernetes/client-node';
import type { References } from './annotations.ts';
import { defined, present, type EcsContainer, type Notes } from './ecsShapes.ts';
import { externalName } from './names.ts';

// What a container runs and with what environment: entryPoint/command, environment,
// secrets and environment files. Secrets and files become references to Kubernetes
// objects named by convention (see converter.ts), recorded in `refs` for the annotations.

export function processFields(c: EcsContainer, path: string, refs: References, notes: Notes): Partial<V1Container> {
  const env: V1EnvVar[] = (c.environment ?? []).map((e) => ({ name: String(e.name), value: e.value ?? '' }));
  const secretNames = new Set((c.secrets ?? []).map((s) => s.name));
  const plain = env.filter((e) => {
    if (!secretNames.has(e.name)) return true;
    notes.push(`${path}.environment[${e.name}]: also a secret; the secret wins`);
    return false;
  });
  const secrets: V1EnvVar[] = (c.secrets ?? []).map((s) => {
    const name = externalName('kecs-secret', s.valueFrom);
    refs.secrets[name] = s.valueFrom;
    return { name: s.name, valueFrom: { secretKeyRef: { name, key: 'value' } } };
  });
  // Kubernetes lets env win over envFrom, as ECS lets `environment` win over its files.
  const envFrom: V1EnvFromSource[] = [];
  for (const [i, file] of (c.environmentFiles ?? []).entries()) {
    if (!file.value) continue;
    if (file.type !== undefined && file.type !== 's3') notes.push(`${path}.environmentFiles[${i}].type: '${file.type}' treated as s3`);
    const name = externalName('kecs-env', file.value);
    refs.environmentFiles[name] = file.value;
    envFrom.push({ configMapRef: { name } });
  }
  return defined({
    // Docker's ENTRYPOINT is Kubernetes' command and CMD is its args: the one place this swap happens.
    command: present(c.entryPoint) ? c.entryPoint : undefined,
    args: present(c.command) ? c.command : undefined,
    env: plain.length + secrets.length > 0 ? [...plain, ...secrets] : undefined,
    envFrom: envFrom.length > 0 ? envFrom : undefined,
    workingDir: present(c.workingDirectory) ? String(c.workingDirectory) : undefined,
    stdin: c.interactive === true ? true : undefined,
    tty: c.pseudoTerminal === true ? true : undefined,
  });
}
