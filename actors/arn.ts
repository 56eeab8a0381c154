export interface Partition {
  region: string;
  accountId: string;
}

export type ResourceType = 'cluster' | 'service' | 'task' | 'task-definition' | 'container-instance';

export interface ParsedArn {
  region: string;
  accountId: string;
  type: ResourceType | string;
  /** Everything after `type/`, e.g. `NAME`, `CLUSTER/SERVICE` or `FAMILY:REV`. */
  resource: string;
}

const ARN = /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):(\d{12}):([a-z-]+)\/(.+)$/;
export const NAME = /^[A-Za-z0-9_-]{1,255}$/;

export function parseArn(value: string): ParsedArn | undefined {
  const m = ARN.exec(value);
  if (!m) return undefined;
  return { region: m[1], accountId: m[2], type: m[3], resource: m[4] };
}

export function isArn(value: string): boolean {
  return value.startsWith('arn:');
}

export const clusterArn = (p: Partition, name: string) => `arn:aws:ecs:${p.region}:${p.accountId}:cluster/${name}`;

export const familyArn = (p: Partition, family: string) =>
  `arn:aws:ecs:${p.region}:${p.accountId}:task-definition/${family}`;

/** A reference of ours: an ARN of this region and account, of the given type. */
export function ownArn(p: Partition, value: string, type: ResourceType): ParsedArn | undefined {
  const parsed = parseArn(value);
  if (!parsed || parsed.type !== type || parsed.region !== p.region || parsed.accountId !== p.accountId) return undefined;
  return parsed;
}
