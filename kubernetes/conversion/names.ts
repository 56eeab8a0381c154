import { shortHash } from '../naming.ts';

// Kubernetes names for ECS names. Kubernetes names are DNS labels and port names IANA
// service names; ECS names allow upper case and `_`. naming.ts folds Namespaces and label
// values its own way; these folds differ (a case change is hashed here, and runs of
// other characters become one `-`), and existing Pods carry names made with them, so
// the two stay apart.

/** Lower case, each run of anything else than `[a-z0-9-]` one `-`, none at either end. */
const lowerDashed = (value: string) => value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');

/**
 * A DNS-1123 label for an ECS name. A name that already is one stays as it is (the common
 * case reads naturally); any other gets a hash of the original appended, so "App" and
 * "app" cannot fold onto one name.
 */
export function dnsLabel(value: string): string {
  const folded = lowerDashed(value);
  if (folded === value && folded.length > 0 && folded.length <= 63) return folded;
  const head = folded.slice(0, 54).replace(/-+$/, '');
  return head ? `${head}-${shortHash(value)}` : `x-${shortHash(value)}`;
}

/** Claims `wanted` in `taken`, or a numbered variant of it when that is gone already. */
export function claim(taken: Set<string>, wanted: string): string {
  let name = wanted;
  for (let n = 2; taken.has(name); n++) name = `${wanted.slice(0, 63 - String(n).length - 1)}-${n}`;
  taken.add(name);
  return name;
}

/**
 * The Kubernetes object standing in for an AWS reference (a secret ARN, an S3 object, a
 * parameter name): `<prefix>-<readable tail of the reference>-<hash of all of it>`. The
 * hash keeps two references apart that share a tail (other region, account, JSON key).
 */
export function externalName(prefix: string, reference: string): string {
  const parts = reference.split(':');
  // arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME[:json-key:stage:id]
  const tail =
    reference.startsWith('arn:') && parts[5] === 'secret'
      ? [parts[6], parts[7]].filter(Boolean).join('-')
      : (reference.split(/[/:]/).filter(Boolean).pop() ?? '');
  const readable = lowerDashed(tail);
  const head = `${prefix}-${readable}`.slice(0, 54).replace(/-+$/, '');
  return `${head}-${shortHash(reference)}`;
}

/** An IANA service name (≤ 15, `[a-z0-9-]`, a letter, no `--`), or undefined. */
export function portName(name: string): string | undefined {
  const folded = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 15)
    .replace(/^-+|-+$/g, '');
  return /[a-z]/.test(folded) ? folded : undefined;
}
