import type { Tag } from '../machines/tags.ts';
import { invalidParameter } from './errors.ts';

export const MAX_TAGS = 50;

const reserved = (key: string) => key.toLowerCase().startsWith('aws:');

/**
 * The semantic tag rules; lengths and characters are checked by the model validator.
 * `existing` counts towards the 50-tag limit, since new keys are added to it.
 */
export function validateTags(tags: readonly Tag[] | undefined, existing: readonly Tag[] = []): Tag[] {
  if (!tags) return [];
  // The model leaves both members optional; ECS does not.
  if (tags.some((t) => typeof t.key !== 'string' || t.key === '')) throw invalidParameter('Tag keys must not be empty.');
  if (tags.some((t) => reserved(t.key))) {
    throw invalidParameter('Tag keys with the prefix aws: are reserved for AWS use.');
  }
  const keys = new Set([...existing.map((t) => t.key), ...tags.map((t) => t.key)]);
  if (keys.size > MAX_TAGS) throw invalidParameter(`A resource can have at most ${MAX_TAGS} tags.`);
  return tags.map((t) => ({ key: t.key, value: t.value ?? '' }));
}

export function validateTagKeys(keys: readonly string[]): string[] {
  if (keys.some(reserved)) throw invalidParameter('Tag keys with the prefix aws: are reserved for AWS use.');
  return [...keys];
}
