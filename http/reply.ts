import type { HttpResponse } from 'uWebSockets.js';
import { EcsError } from '../actors/errors.ts';

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK',
  400: '400 Bad Request',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  413: '413 Payload Too Large',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
};

export interface Reply {
  status: number;
  body: string;
  contentType: string;
  /** The error code, for X-Amzn-Errortype and metrics. */
  errorCode?: string;
}

export const AMZ_JSON = 'application/x-amz-json-1.1';

export function jsonReply(body: unknown, status = 200): Reply {
  return { status, body: JSON.stringify(body), contentType: AMZ_JSON };
}

/** The AWS JSON error envelope; anything that is not an EcsError is a fault of ours. */
export function errorReply(err: unknown): Reply {
  const e = err instanceof EcsError ? err : new EcsError('ServerException', 'An internal error occurred.', 500);
  return {
    status: e.httpStatus,
    body: JSON.stringify({ __type: e.code, message: e.message }),
    contentType: AMZ_JSON,
    errorCode: e.code,
  };
}

/** Writes a whole reply; callers that write after an await must wrap this in `res.cork`. */
export function send(res: HttpResponse, reply: Reply, requestId: string, closeConnection = false): void {
  res.writeStatus(STATUS_TEXT[reply.status] ?? `${reply.status}`);
  res.writeHeader('Content-Type', reply.contentType);
  res.writeHeader('x-amzn-RequestId', requestId);
  if (reply.errorCode) res.writeHeader('X-Amzn-Errortype', reply.errorCode);
  res.end(reply.body, closeConnection);
}
