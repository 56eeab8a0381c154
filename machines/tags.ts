export interface Tag {
  key: string;
  value: string;
}

/** Tags with the same key replace the old value; new keys are appended in order. */
export function mergeTags(current: readonly Tag[], added: readonly Tag[]): Tag[] {
  const byKey = new Map(current.map((t) => [t.key, t.value]));
  for (const t of added) byKey.set(t.key, t.value);
  return [...byKey].map(([key, value]) => ({ key, value }));
}

export function removeTags(current: readonly Tag[], keys: readonly string[]): Tag[] {
  const drop = new Set(keys);
  return current.filter((t) => !drop.has(t.key));
}
