import { invalidParameter } from './errors.ts';

export interface PageRequest {
  nextToken?: string;
  maxResults?: number;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Checks `maxResults` as ECS does (1–100) and applies the operation's default. */
export function pageSize(maxResults: number | undefined, fallback: number): number {
  if (maxResults === undefined) return fallback;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
    throw invalidParameter('maxResults must be between 1 and 100.');
  }
  return maxResults;
}

const encode = (key: string) => Buffer.from(JSON.stringify({ after: key }), 'utf8').toString('base64url');

function decode(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed?.after === 'string') return parsed.after;
  } catch {
    // fall through to the client error below
  }
  throw invalidParameter('Invalid nextToken.');
}

/**
 * Pages through `items`, already ordered by `key` (ascending, or descending when `descending`).
 * The token names the last key returned, so a page resumes where the previous one stopped
 * even when resources were added or removed in between.
 */
export function paginate<T>(
  items: readonly T[],
  key: (item: T) => string,
  request: PageRequest,
  fallbackSize: number,
  descending = false,
): Page<T> {
  const size = pageSize(request.maxResults, fallbackSize);
  let start = 0;
  if (request.nextToken !== undefined && request.nextToken !== '') {
    const after = decode(request.nextToken);
    start = items.findIndex((item) => (descending ? key(item) < after : key(item) > after));
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + size);
  const more = start + size < items.length;
  return { items: slice, nextToken: more ? encode(key(slice[slice.length - 1])) : undefined };
}
