import type { IncomingMessage, ServerResponse } from 'node:http';

/** How a procedure call ended, as the client saw it. */
export interface ProcedureOutcome {
  /** The HTTP status of the call (200, 401, 429, …). */
  status: number;
  /** The tRPC error code when it failed (`UNAUTHORIZED`, …). */
  errorCode?: string;
}

/** One database statement, reported after it ran (Kysely's query log event). */
export interface QueryEvent {
  sql: string;
  durationMs: number;
  error?: unknown;
}

/**
 * Spans for requests, procedures and database statements. The server calls these on every
 * request; `NO_TRACING` does nothing, so with tracing off nothing of OpenTelemetry is loaded
 * (the OpenTelemetry implementation is `@app/server-observability/otel`, imported on demand).
 */
export interface Tracing {
  readonly enabled: boolean;
  /** Runs `next` (the rest of the HTTP pipeline) inside a server span that ends with the response. */
  httpRequest(req: IncomingMessage & { id?: unknown }, res: ServerResponse, next: () => void): void;
  /** Runs one procedure call inside a span, a child of the request's. */
  procedure<T>(name: string, type: string, run: () => Promise<T>, outcomeOf: (result: T) => ProcedureOutcome): Promise<T>;
  /** A finished database statement: a span under the active procedure, timed after the fact. */
  query(event: QueryEvent): void;
  /** Sends what is still buffered and stops. */
  shutdown(): Promise<void>;
}

export const NO_TRACING: Tracing = {
  enabled: false,
  httpRequest: (_req, _res, next) => next(),
  procedure: (_name, _type, run) => run(),
  query: () => undefined,
  shutdown: async () => undefined,
};

/** Sign-in and session events that operators watch (a spike of failures or reuses is an attack). */
export const AUTH_EVENTS = ['sign_in_ok', 'sign_in_failed', 'refresh_ok', 'refresh_rejected', 'refresh_reuse_detected', 'rate_limited'] as const;
export type AuthEvent = (typeof AUTH_EVENTS)[number];

/** What the server records per call; `NO_METRICS` when metrics are off. */
export interface MetricsRecorder {
  procedureCompleted(procedure: string, type: string, outcome: ProcedureOutcome, seconds: number): void;
  authEvent(event: AuthEvent): void;
  /** Attaches the mail outbox: `depth` (e.g. a count of unsent rows) is read at each scrape. */
  observeOutboxDepth(depth: () => Promise<number> | number): void;
}

export const NO_METRICS: MetricsRecorder = {
  procedureCompleted: () => undefined,
  authEvent: () => undefined,
  observeOutboxDepth: () => undefined,
};

/** The server's instruments, handed to every layer through AppServices. */
export interface Telemetry {
  readonly metrics: MetricsRecorder;
  readonly tracing: Tracing;
}

export const NO_TELEMETRY: Telemetry = { metrics: NO_METRICS, tracing: NO_TRACING };
