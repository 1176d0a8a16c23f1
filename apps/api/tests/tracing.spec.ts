import { NO_METRICS, type Tracing } from '@app/server-observability';
import { ATTR_REQUEST_ID, startOtelTracing } from '@app/server-observability/otel';
import {
  ApiProcess,
  createTestDatabase,
  signUp,
  sleep,
  startTestServer,
  type TestDatabase,
  type TestServer,
  testDbKind,
  trpcQuery,
} from '@app/server-testing';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const REMOTE_PARENT = '00f067aa0ba902b7';

async function spansUntil(exporter: InMemorySpanExporter, done: (spans: ReadableSpan[]) => boolean): Promise<ReadableSpan[]> {
  for (let i = 0; i < 100; i++) {
    const spans = exporter.getFinishedSpans();
    if (done(spans)) return spans;
    await sleep(20);
  }
  return exporter.getFinishedSpans();
}

describe(`spans of one people.list call (${testDbKind()})`, () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let database: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    tracing = startOtelTracing({ serviceName: 'authstack-test', spanProcessor: new SimpleSpanProcessor(exporter) });
    database = await createTestDatabase(testDbKind(), { onQuery: (event) => tracing.query(event) });
    server = await startTestServer({ database, telemetry: { metrics: NO_METRICS, tracing } });
  });
  afterAll(async () => {
    await server?.close();
    await database?.dispose();
    await tracing?.shutdown();
  });

  it('HTTP request → procedure → database statements, one trace continuing the caller’s, each with the request id', async () => {
    const account = await signUp(server);
    exporter.reset();
    const res = await trpcQuery(server.url, 'people.list', { search: 'ada', limit: 5 }, {
      token: account.accessToken,
      headers: { 'x-request-id': 'trace-people-1', traceparent: `00-${TRACE_ID}-${REMOTE_PARENT}-01` },
    });
    expect(res.status).toBe(200);
    const spans = await spansUntil(exporter, (all) => all.some((span) => span.kind === SpanKind.SERVER));

    const http = spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(http).toHaveLength(1);
    const request = http[0] as ReadableSpan;
    expect(request.name).toBe('GET /trpc/{procedure}');
    expect(request.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/trpc/people.list',
      'http.route': '/trpc/{procedure}',
      'http.response.status_code': 200,
      [ATTR_REQUEST_ID]: 'trace-people-1',
    });
    // It continues the caller's trace (W3C traceparent).
    expect(request.spanContext().traceId).toBe(TRACE_ID);
    expect(request.parentSpanContext?.spanId).toBe(REMOTE_PARENT);

    const procedures = spans.filter((span) => span.kind === SpanKind.INTERNAL);
    expect(procedures.map((span) => span.name)).toEqual(['people.list']);
    const procedure = procedures[0] as ReadableSpan;
    expect(procedure.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(procedure.attributes).toMatchObject({ 'rpc.system': 'trpc', 'rpc.method': 'people.list', 'http.response.status_code': 200, [ATTR_REQUEST_ID]: 'trace-people-1' });

    // The session check and the page query, both under the procedure, and (its first call this
    // minute) the session's "last used" write; SQL with placeholders only.
    const queries = spans.filter((span) => span.kind === SpanKind.CLIENT);
    expect(queries.length).toBeGreaterThanOrEqual(2);
    for (const query of queries) {
      expect(query.parentSpanContext?.spanId).toBe(procedure.spanContext().spanId);
      const isLastUsed = query.attributes['db.operation.name'] === 'update';
      expect(query.attributes).toMatchObject({ 'db.system.name': 'postgresql', 'db.operation.name': isLastUsed ? 'update' : 'select', [ATTR_REQUEST_ID]: 'trace-people-1' });
      if (isLastUsed) expect(String(query.attributes['db.query.text'])).toMatch(/^update "sessions" set "last_used_at" = \$1 .*prepared:session_touch/is);
      else expect(String(query.attributes['db.query.text'])).toMatch(/^(\/\* prepared:\w+ \*\/ )?select .*\$1/is);
      expect(String(query.attributes['db.query.text'])).not.toMatch(/ada/i);
    }
    expect(queries.some((query) => /from\s+"?sessions\b/.test(String(query.attributes['db.query.text'])))).toBe(true);
    expect(queries.some((query) => /from\s+"?people\b/.test(String(query.attributes['db.query.text'])))).toBe(true);
    for (const span of spans) expect(span.spanContext().traceId).toBe(TRACE_ID);
    // Nothing else: no stray spans from other requests or background work.
    expect(spans).toHaveLength(2 + queries.length);
  });

  it('a failing procedure is marked on its span with the status and tRPC code', async () => {
    exporter.reset();
    expect((await trpcQuery(server.url, 'people.list', {}, { headers: { 'x-request-id': 'trace-401' } })).status).toBe(401);
    const spans = await spansUntil(exporter, (all) => all.some((span) => span.kind === SpanKind.SERVER));
    const procedure = spans.find((span) => span.name === 'people.list');
    expect(procedure?.attributes).toMatchObject({ 'http.response.status_code': 401, 'error.type': 'UNAUTHORIZED', [ATTR_REQUEST_ID]: 'trace-401' });
    expect(spans.find((span) => span.kind === SpanKind.SERVER)?.attributes['http.response.status_code']).toBe(401);
  });
});

describe('the built server', () => {
  it('loads OpenTelemetry only on demand: nothing of it is in the bundle’s static imports', () => {
    const meta = JSON.parse(readFileSync(join(root, 'dist/apps/api/meta.json'), 'utf8')) as {
      outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
    };
    const seen = new Set<string>();
    const staticImports: string[] = [];
    const visit = (output: string) => {
      if (seen.has(output)) return;
      seen.add(output);
      for (const imported of meta.outputs[output]?.imports ?? []) {
        if (imported.kind !== 'import-statement') continue;
        if (imported.external) staticImports.push(imported.path);
        else visit(imported.path);
      }
    };
    visit('dist/apps/api/main.mjs');
    expect(staticImports).toContain('express');
    expect(staticImports.filter((path) => path.startsWith('@opentelemetry/'))).toEqual([]);
    const dynamic = Object.values(meta.outputs).flatMap((output) => output.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path));
    expect(dynamic.some((path) => /chunks\/otel-tracing-/.test(path))).toBe(true);
  });

  describe('with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    let receiver: Server;
    const received: { path: string; contentType: string; body: Buffer }[] = [];
    let api: ApiProcess;
    beforeAll(async () => {
      // A stand-in OTLP/HTTP collector on loopback: it keeps what it is sent.
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          received.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        });
      });
      await new Promise<void>((ready) => receiver.listen(0, '127.0.0.1', ready));
      const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      api = await ApiProcess.start({ jwtSecret: 'tracing-secret-of-at-least-32-bytes-long!', env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } }, { timeoutMs: 90_000 });
    }, 120_000);
    afterAll(async () => {
      await api?.stop();
      await new Promise((closed) => receiver?.close(closed));
    });

    it('exports the spans over OTLP/HTTP protobuf, flushing them at shutdown', async () => {
      const account = await signUp(api);
      expect((await trpcQuery(api.url, 'people.list', {}, { token: account.accessToken, headers: { 'x-request-id': 'otlp-export-1' } })).status).toBe(200);
      expect((await api.stop()).code).toBe(0);
      const traces = received.filter((request) => request.path === '/v1/traces');
      expect(traces.length).toBeGreaterThanOrEqual(1);
      expect(traces.every((request) => request.contentType === 'application/x-protobuf')).toBe(true);
      const body = Buffer.concat(traces.map((request) => request.body)).toString('latin1');
      for (const text of ['authstack-api', 'people.list', 'otlp-export-1', 'GET /trpc/{procedure}', 'db.query.text']) expect(body).toContain(text);
    });
  });
});
