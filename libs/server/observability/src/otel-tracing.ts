import { context, createContextKey, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import {
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_RPC_METHOD,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from '@opentelemetry/semantic-conventions';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ProcedureOutcome, QueryEvent, Tracing } from './telemetry';

// This module is the only one that imports OpenTelemetry. The server imports it (a chunk of its
// own in the bundle) only when OTEL_EXPORTER_OTLP_ENDPOINT is set.

/** The request id (`X-Request-Id`), on every span of the request. */
export const ATTR_REQUEST_ID = 'request.id';
/** `rpc.system` is still incubating in the semantic conventions; its name is stable enough. */
const ATTR_RPC_SYSTEM = 'rpc.system';

const REQUEST_ID = createContextKey('authstack request id');

export interface OtelTracingOptions {
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: spans go to `<endpoint>/v1/traces` over OTLP/HTTP (protobuf). */
  endpoint?: string;
  /** Instead of the OTLP exporter (tests pass an in-memory one). */
  spanProcessor?: SpanProcessor;
}

/** `/trpc/people.list` → `/trpc/{procedure}`: span names and routes stay few whatever the path. */
function routeOf(path: string): string | undefined {
  if (path === '/trpc' || path.startsWith('/trpc/')) return '/trpc/{procedure}';
  if (path === '/healthz' || path === '/readyz') return path;
  return undefined;
}

/**
 * `/* prepared:x *\/ select "id" from …` → `select`: the operation, as the database semantic
 * conventions name spans (leading comments, such as the prepared-statement marker, skipped).
 */
function operationOf(sql: string): string {
  return /^(?:\s*\/\*[\s\S]*?\*\/)*\s*\(?\s*([a-z]+)/i.exec(sql)?.[1]?.toLowerCase() ?? 'query';
}

function endWithError(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : undefined });
}

/**
 * Tracing with the OpenTelemetry SDK: a SERVER span per HTTP request (continuing an incoming W3C
 * `traceparent`), a span per tRPC procedure under it, and a CLIENT span per database statement
 * under the procedure, timed from Kysely's query log so it covers PostgreSQL and PGlite alike.
 * Each carries the request id. Spans are batched and exported over OTLP/HTTP; the exporter also
 * reads the other standard OTEL_EXPORTER_OTLP_* variables (headers, timeout, compression).
 * @see https://opentelemetry.io/docs/languages/js/instrumentation/
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/
 */
export function startOtelTracing(options: OtelTracingOptions): Tracing {
  const processor =
    options.spanProcessor ??
    new BatchSpanProcessor(new OTLPTraceExporter(options.endpoint ? { url: new URL('v1/traces', `${options.endpoint.replace(/\/$/, '')}/`).href } : {}));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [processor],
  });
  // The AsyncLocalStorage context manager and the W3C propagator, for the spans below and for any
  // library that traces through the global API.
  provider.register();
  const tracer = provider.getTracer('authstack');

  const requestIdAttribute = (): Record<string, string> => {
    const id = context.active().getValue(REQUEST_ID);
    return typeof id === 'string' ? { [ATTR_REQUEST_ID]: id } : {};
  };

  return {
    enabled: true,

    httpRequest(req: IncomingMessage & { id?: unknown }, res: ServerResponse, next: () => void) {
      const parent = propagation.extract(context.active(), req.headers);
      const method = req.method ?? 'GET';
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const route = routeOf(path);
      const requestId = typeof req.id === 'string' ? req.id : undefined;
      const span = tracer.startSpan(
        route ? `${method} ${route}` : method,
        {
          kind: SpanKind.SERVER,
          attributes: {
            [ATTR_HTTP_REQUEST_METHOD]: method,
            [ATTR_URL_PATH]: path,
            ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}),
            ...(requestId ? { [ATTR_REQUEST_ID]: requestId } : {}),
          },
        },
        parent,
      );
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
        if (res.statusCode >= 500) {
          span.setAttribute(ATTR_ERROR_TYPE, String(res.statusCode));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      };
      res.once('finish', end);
      res.once('close', end);
      const active = trace.setSpan(parent, span);
      context.with(requestId ? active.setValue(REQUEST_ID, requestId) : active, next);
    },

    procedure<T>(name: string, type: string, run: () => Promise<T>, outcomeOf: (result: T) => ProcedureOutcome): Promise<T> {
      const attributes = { [ATTR_RPC_SYSTEM]: 'trpc', [ATTR_RPC_METHOD]: name, 'trpc.type': type, ...requestIdAttribute() };
      return tracer.startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
        try {
          const result = await run();
          const outcome = outcomeOf(result);
          span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
          if (outcome.errorCode) span.setAttribute(ATTR_ERROR_TYPE, outcome.errorCode);
          if (outcome.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          return result;
        } catch (error) {
          endWithError(span, error);
          throw error;
        } finally {
          span.end();
        }
      });
    },

    query(event: QueryEvent) {
      // Statements outside a request (migrations, periodic clean-ups) are not traced.
      if (!trace.getSpan(context.active())) return;
      const endTime = performance.timeOrigin + performance.now();
      const operation = operationOf(event.sql);
      const span = tracer.startSpan(operation, {
        kind: SpanKind.CLIENT,
        startTime: endTime - event.durationMs,
        attributes: {
          [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL,
          [ATTR_DB_OPERATION_NAME]: operation,
          // Kysely's SQL has $1 placeholders: values (emails, hashes) never reach a span.
          [ATTR_DB_QUERY_TEXT]: event.sql,
          ...requestIdAttribute(),
        },
      });
      if (event.error !== undefined) endWithError(span, event.error);
      span.end(endTime);
    },

    async shutdown() {
      await provider.shutdown();
      // Leave the global API as it was, so another provider can register (tests start several).
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
