import { randomUUID } from 'node:crypto';
import uWS from 'uWebSockets.js';
import type { ActorSystem } from '../actors/system.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { endRequestSpan, startRequestSpan } from '../telemetry/tracing.ts';
import { readBody } from './body.ts';
import { dispatch, modelOperationOf, operationOf } from './dispatch.ts';
import { errorReply, jsonReply, send, type Reply } from './reply.ts';
import { EcsError } from '../actors/errors.ts';

export interface HttpOptions {
  system: ActorSystem;
  logger: Logger;
  metrics: Metrics;
  bodyLimit: number;
}

export interface HttpServer {
  listen(host: string, port: number): Promise<number>;
  /** Stops accepting, waits for requests in flight, then closes every connection. */
  close(): Promise<void>;
}

export function createHttpServer({ system, logger, metrics, bodyLimit }: HttpOptions): HttpServer {
  const app = uWS.App();
  let listenSocket: uWS.us_listen_socket | undefined;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const finished = () => {
    inFlight--;
    if (inFlight === 0) idle?.();
  };

  app.post('/', (res, req) => {
    // req is only valid until the first await: copy what we need now.
    const target = req.getHeader('x-amz-target');
    const declared = Number(req.getHeader('content-length') || 0);
    const requestId = randomUUID();
    const started = process.hrtime.bigint();
    let aborted = false;
    let dispatched = false;
    let settled = false;
    // An operation of the model that KECS lacks keeps its name in metrics; anything else is 'Unknown'.
    const operation = modelOperationOf(target) ?? 'Unknown';
    const span = startRequestSpan(operation, requestId);
    inFlight++;
    const settle = () => {
      if (settled) return;
      settled = true;
      finished();
    };
    res.onAborted(() => {
      aborted = true;
      // A client gone before its body was complete leaves nothing to wait for: no body, no
      // dispatch, no reply. Once dispatched, the operation still settles via respond().
      if (!dispatched && !settled) {
        endRequestSpan(span, 499, 'ClientClosedRequest');
        settle();
      }
    });

    const respond = (reply: Reply, closeConnection = false) => {
      if (settled) return;
      if (!aborted) res.cork(() => send(res, reply, requestId, closeConnection));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.requestDuration.observe({ method: 'POST', endpoint: operation, status: String(reply.status) }, seconds);
      const line = { requestId, operation, status: reply.status, ms: Math.round(seconds * 1e6) / 1e3, error: reply.errorCode };
      if (reply.status >= 500) logger.error(line, 'request failed');
      else logger.info(line, 'request');
      endRequestSpan(span, reply.status, reply.errorCode);
      settle();
    };

    try {
      operationOf(target);
    } catch (err) {
      respond(errorReply(err), true);
      return;
    }
    readBody(res, bodyLimit, declared, (result) => {
      if (!result.ok) {
        respond(errorReply(new EcsError('RequestEntityTooLargeException', `The request body exceeds ${bodyLimit} bytes.`, 413)), true);
        return;
      }
      dispatched = true;
      dispatch(system, operation, result.body).then(
        (body) => respond(jsonReply(body)),
        (err) => {
          if (!(err instanceof EcsError)) logger.error({ err, requestId, operation }, 'operation threw');
          respond(errorReply(err));
        },
      );
    });
  });

  app.get('/health', (res) => {
    res.writeHeader('Content-Type', 'application/json').end('{"status":"ok"}');
  });

  app.get('/metrics', (res) => {
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    metrics.registry.metrics().then((text) => {
      if (!aborted) res.cork(() => res.writeHeader('Content-Type', metrics.registry.contentType).end(text));
    });
  });

  app.any('/*', (res, req) => {
    const path = req.getUrl();
    const reply = errorReply(new EcsError('UnknownOperationException', `No route for ${req.getMethod().toUpperCase()} ${path}.`, 404));
    send(res, reply, randomUUID());
  });

  return {
    listen(host, port) {
      return new Promise((resolve, reject) => {
        app.listen(host, port, (socket) => {
          if (!socket) return reject(new Error(`cannot listen on ${host}:${port}`));
          listenSocket = socket;
          resolve(uWS.us_socket_local_port(socket as unknown as uWS.us_socket));
        });
      });
    },
    async close() {
      if (listenSocket) uWS.us_listen_socket_close(listenSocket);
      listenSocket = undefined;
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
      app.close();
    },
  };
}
