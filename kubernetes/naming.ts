import { createHash } from 'node:crypto';

/**
 * The one place that names a cluster's Namespace. ECS names allow upper case and `_` and run
 * to 255 characters; a Namespace is a DNS label, so the name is folded and, when folding
 * loses information or length, suffixed with a hash of the original.
 */
export function namespaceFor(region: string, clusterName: string): string {
  const folded = `kecs-${region}-${clusterName}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const exact = folded === `kecs-${region}-${clusterName}` && folded.length <= 63;
  if (exact) return folded;
  const hash = createHash('sha256').update(`${region}/${clusterName}`).digest('hex').slice(0, 8);
  return `${folded.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}
