import type { HttpResponse } from 'uWebSockets.js';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' };

/**
 * Collects a request body, copying each chunk (uWS reuses their memory after the callback)
 * and stopping at `limit` bytes. The caller must have attached `onAborted` already.
 */
export function readBody(res: HttpResponse, limit: number, declaredLength: number, done: (result: BodyResult) => void): void {
  if (declaredLength > limit) {
    done({ ok: false, reason: 'too-large' });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  res.onData((chunk, isLast) => {
    if (finished) return;
    size += chunk.byteLength;
    if (size > limit) {
      finished = true;
      done({ ok: false, reason: 'too-large' });
      return;
    }
    chunks.push(Buffer.from(new Uint8Array(chunk)));
    if (isLast) {
      finished = true;
      done({ ok: true, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size) });
    }
  });
}
