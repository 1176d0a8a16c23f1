import { PGlite } from '@electric-sql/pglite';
import { Kysely, type KyselyConfig, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import type { PoolStats, QueryEvent } from '@app/server-observability';
import type { Database } from './database';
import { listenOnPglite, listenOnPostgres, type NotificationHandlers, type NotificationListener } from './notification-listener';
import { preparingPool } from './prepared-statements';

export type DatabaseKind = 'postgres' | 'pglite';

/** A statement that hangs (lock wait, dead server) must not hold a request forever. */
const QUERY_TIMEOUT_MS = 15_000;

/** A Kysely instance plus what the server needs to run and stop it. */
export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** Where it lives, without credentials: safe to log. */
  readonly description: string;
  /** Resolves when a trivial query succeeds. */
  ping(timeoutMs?: number): Promise<void>;
  /** PostgreSQL only: the pool's counters right now (for metrics). */
  poolStats?(): PoolStats;
  /**
   * Subscribes to `NOTIFY` on `channel` (see notification-listener.ts): on PostgreSQL over a
   * connection of its own, kept alive and re-established; on PGlite in process.
   */
  listen(channel: string, handlers: NotificationHandlers): Promise<NotificationListener>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…`; unset → embedded PGlite. */
  url?: string;
  /** PGlite data directory; unset → in memory. Ignored with `url`. */
  dataDir?: string;
  /** An already created PGlite instance (tests load snapshots this way). */
  pglite?: PGlite;
  /** Pool size for PostgreSQL. */
  poolMax?: number;
  /** Called for errors on idle pooled connections, which would otherwise crash the process. */
  onPoolError?: (error: Error) => void;
  /** Called after every statement (tracing); unset, Kysely does not even time them. */
  onQuery?: (event: QueryEvent) => void;
}

/** Kysely's `log` option forwarding to `onQuery`, or nothing. @see https://kysely.dev/docs/recipes/logging */
function queryLog(onQuery: DatabaseOptions['onQuery']): KyselyConfig['log'] {
  if (!onQuery) return undefined;
  return (event) => {
    onQuery({
      sql: event.query.sql,
      durationMs: event.queryDurationMillis,
      ...(event.level === 'error' ? { error: event.error } : {}),
    });
  };
}

/**
 * Opens PostgreSQL (through a `pg` Pool) when a URL is given, else the embedded PGlite.
 * @see https://kysely.dev/docs/getting-started
 */
export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) return createPostgres(options.url, options);
  if (options.dataDir && !options.pglite) mkdirSync(options.dataDir, { recursive: true });
  const pglite = options.pglite ?? (await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {}));
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), log: queryLog(options.onQuery) });
  return {
    db,
    kind: 'pglite',
    description: options.dataDir ? `embedded PGlite at ${options.dataDir}` : 'embedded PGlite (in memory)',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    listen: (channel, handlers) => listenOnPglite(pglite, channel, handlers),
    close: async () => {
      await db.destroy();
    },
  };
}

function createPostgres(url: string, options: DatabaseOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) => options.onPoolError?.(error));
  // The pool only listens for errors on idle clients. A checked-out client whose connection drops
  // between two queries (inside a transaction, say) emits 'error' with no listener, which kills the
  // process. With this listener the error reaches the pending query (→ 503) and the broken client
  // is dropped from the pool when it is released.
  pool.on('connect', (client) => client.on('error', (error) => options.onPoolError?.(error)));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool, { queryTimeoutMs: QUERY_TIMEOUT_MS }) }), log: queryLog(options.onQuery) });
  const listeners = new Set<NotificationListener>();
  let closed = false;
  return {
    db,
    kind: 'postgres',
    description: `PostgreSQL at ${redactUrl(url)}`,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 }),
    ping: async (timeoutMs = 2_000) => {
      const client = await pool.connect();
      try {
        await client.query({ text: 'select 1', query_timeout: timeoutMs } as pg.QueryConfig);
      } finally {
        client.release();
      }
    },
    listen: async (channel, handlers) => {
      const listener = listenOnPostgres(url, channel, handlers);
      listeners.add(listener);
      return {
        close: async () => {
          listeners.delete(listener);
          await listener.close();
        },
      };
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([...listeners].map((listener) => listener.close()));
      await db.destroy();
    },
  };
}

/** `postgres://user:secret@host:5432/db` → `postgres://user@host:5432/db`. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparseable url)';
  }
}
