import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';

// Spans go through the global OpenTelemetry API: without an SDK (telemetry/instrument.ts)
// they are no-ops that cost next to nothing.
const tracer = trace.getTracer('kecs');

export function startRequestSpan(operation: string, requestId: string): Span {
  return tracer.startSpan(`ECS ${operation}`, {
    kind: SpanKind.SERVER,
    attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'ECS', 'rpc.method': operation, 'aws.request_id': requestId },
  });
}

export function endRequestSpan(span: Span, status: number, errorCode?: string): void {
  span.setAttribute('http.response.status_code', status);
  if (errorCode) span.setAttribute('aws.error_code', errorCode);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: errorCode });
  span.end();
}
