import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AUTH_EVENTS, type AuthEvent, type MetricsRecorder, type ProcedureOutcome } from './telemetry';

/** Seconds; from a cached `auth.me` (a few ms) to a slow bcrypt login or a database stall. */
const DURATION_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A connection pool's state at scrape time (pg.Pool's counters). */
export interface PoolStats {
  /** Connections open (in use + idle). */
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  max: number;
}


/**
 * The server's Prometheus metrics (prom-client), in a registry of its own so that two servers in
 * one process (tests) never share counters.
 * - `authstack_trpc_request_duration_seconds`: a histogram per procedure, type and HTTP status; its
 *   `_count` series is the number of calls (a separate counter would double the work per call);
 * - `authstack_auth_events_total{event}`: sign-ins ok / failed, refreshes, rejected refreshes, reuse detected, rate-limited;
 * - `authstack_db_pool_*`: connections in use / idle / max and queries waiting (PostgreSQL);
 * - `authstack_mail_outbox_depth`: mails waiting to be sent, once a source is attached;
 * - Node's defaults: event-loop lag, heap and resident memory, CPU, GC, handles.
 * Everything that can be read at scrape time is (collect callbacks), so a request pays only for
 * one histogram update, on a series looked up once.
 * @see https://github.com/siimon/prom-client
 * @see https://prometheus.io/docs/practices/naming/
 */
export class ServerMetrics implements MetricsRecorder {
  readonly registry = new Registry();
  private readonly calls = new Map<string, Histogram.Internal<'procedure' | 'type' | 'status'>>();
  private readonly durations = new Histogram({
    name: 'authstack_trpc_request_duration_seconds',
    help: 'tRPC procedure call duration in seconds (from input parsing to the result), by procedure, type and HTTP status',
    labelNames: ['procedure', 'type', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly authEvents = new Counter({
    name: 'authstack_auth_events_total',
    help: 'Authentication events: sign_in_ok, sign_in_failed, refresh_ok, refresh_rejected, refresh_reuse_detected, rate_limited',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });
  private readonly authEventSeries = new Map<AuthEvent, Counter.Internal>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Every event starts at 0, so a rate() over a new series is right from the first scrape.
    for (const event of AUTH_EVENTS) {
      const series = this.authEvents.labels({ event });
      series.inc(0);
      this.authEventSeries.set(event, series);
    }
  }

  procedureCompleted(procedure: string, type: string, outcome: ProcedureOutcome, seconds: number): void {
    // Procedure names come from the router (an unknown path never reaches a procedure), so the
    // label sets stay few.
    const key = `${procedure} ${type} ${outcome.status}`;
    let series = this.calls.get(key);
    if (!series) {
      series = this.durations.labels({ procedure, type, status: String(outcome.status) });
      this.calls.set(key, series);
    }
    series.observe(seconds);
  }

  authEvent(event: AuthEvent): void {
    this.authEventSeries.get(event)?.inc();
  }

  /** Reads the pool's counters at each scrape (nothing per query). */
  observeDatabasePool(stats: () => PoolStats): void {
    const registers = [this.registry];
    new Gauge({
      name: 'authstack_db_pool_connections',
      help: 'PostgreSQL pool connections by state (in_use, idle)',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const now = stats();
        this.set({ state: 'in_use' }, now.total - now.idle);
        this.set({ state: 'idle' }, now.idle);
      },
    });
    new Gauge({
      name: 'authstack_db_pool_waiting_queries',
      help: 'Queries waiting for a free PostgreSQL pool connection',
      registers,
      collect() {
        this.set(stats().waiting);
      },
    });
    new Gauge({
      name: 'authstack_db_pool_max_connections',
      help: 'The PostgreSQL pool size (DATABASE_POOL_MAX)',
      registers,
      collect() {
        this.set(stats().max);
      },
    });
  }

  /** Mails waiting in the outbox, read at each scrape from `depth` (e.g. a count of unsent rows). */
  observeOutboxDepth(depth: () => Promise<number> | number): void {
    new Gauge({
      name: 'authstack_mail_outbox_depth',
      help: 'Mails in the outbox not yet sent',
      registers: [this.registry],
      async collect() {
        this.set(await depth());
      },
    });
  }

  /** The exposition text and its content type, for GET /metrics. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
