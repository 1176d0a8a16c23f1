import { createHash } from 'node:crypto';
import { type PostgresPool, type PostgresPoolClient, type PostgresQueryResult, type RawBuilder, sql } from 'kysely';
import pg from 'pg';

const NAME = /^[a-z][a-z0-9_]*$/;
/** A marker opening the SQL (`preparedSql`) or closing it (`preparedMarker` in `modifyEnd`). */
const MARKER = /^\/\* prepared:([a-z][a-z0-9_]*) \*\/\s|\s\/\* prepared:([a-z][a-z0-9_]*) \*\/$/;

function marker(name: string): string {
  if (!NAME.test(name)) throw new Error(`invalid prepared statement name "${name}"`);
  return `/* prepared:${name} */`;
}

/**
 * Marks SQL to run as a named prepared statement on PostgreSQL: parsed and planned once per
 * connection rather than on every call (pgbench here: ~3× the throughput of the session
 * lookup). Only for hot statements whose best plan does not depend on the parameter values:
 * a generic plan for, say, `lower(name) like $1` could no longer use a prefix index.
 * On PGlite the marker is just a comment.
 */
export function preparedSql(name: string, text: string): string {
  return `${marker(name)} ${text.trim()}`;
}

/** The same for a Kysely query: `.modifyEnd(preparedMarker('session_insert'))`. */
export function preparedMarker(name: string): RawBuilder<unknown> {
  return sql.raw(marker(name));
}

/**
 * A statement as pg runs it, made from its text. Given a config object (the only way to name a
 * statement), pg first copies it through its property descriptors, one of the slowest paths in
 * V8: ~20–30K instructions per statement under callgrind (docs/benchmarks.md). A text it takes
 * as it is; the name then goes into the `name` field pg's Query reads when it prepares and binds
 * (the prepared-statements spec checks the names PostgreSQL holds).
 */
class Statement extends pg.Query {
  constructor(name: string | null, text: string, values: unknown[], callback: (error: Error | undefined, result: pg.QueryResult) => void) {
    super(text, values, callback as ConstructorParameters<typeof pg.Query>[2]);
    if (name) (this as { name?: string }).name = name;
  }
}

/** What `preparingPool` does besides naming statements. */
export interface PreparingPoolOptions {
  /**
   * A statement with no answer after this long fails with "Query read timeout" (a 503), and its
   * connection is closed rather than handed to the next caller. Unset: no limit.
   */
  queryTimeoutMs?: number;
}

/**
 * The pool as Kysely sees it: statements marked by `preparedSql` or `preparedMarker` go to `pg`
 * with a name, everything else as before. The name carries a hash of the text, so two texts
 * under one marker (say, an insert with other columns) are two statements, never a clash.
 *
 * Statements run through pg's callback form, with the time limit kept here rather than in pg's
 * `query_timeout`: with pg's promise form, and with its `query_timeout`, every result stayed
 * reachable until the next full collection, so each page of rows was copied into the old
 * generation (~19 KB per 101-row page, against a few bytes this way; docs/benchmarks.md).
 * @see https://node-postgres.com/features/queries#prepared-statements
 */
export function preparingPool(pool: pg.Pool, options: PreparingPoolOptions = {}): PostgresPool {
  const names = new Map<string, string | null>();
  const nameOf = (text: string): string | null => {
    let name = names.get(text);
    if (name === undefined) {
      const match = MARKER.exec(text);
      const label = match?.[1] ?? match?.[2];
      name = label ? `${label}_${createHash('sha256').update(text).digest('hex').slice(0, 12)}` : null;
      // Only marked texts are remembered: their number is fixed by the code.
      if (name) names.set(text, name);
    }
    return name;
  };
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let wrapper = wrappers.get(client);
    if (!wrapper) {
      // A connection whose statement timed out may still be busy with it: never reuse it.
      let timedOut = false;
      const query = <R>(text: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> => {
        const name = nameOf(text);
        return new Promise((resolve, reject) => {
          const timer =
            options.queryTimeoutMs === undefined
              ? undefined
              : setTimeout(() => {
                  timedOut = true;
                  reject(new Error('Query read timeout'));
                }, options.queryTimeoutMs);
          const statement = new Statement(name, text, [...parameters], (error, result) => {
            clearTimeout(timer);
            // pg's result carries the same command/rowCount/rows that Kysely reads.
            if (error) reject(error);
            else resolve(result as unknown as PostgresQueryResult<R>);
          });
          client.query(statement);
        });
      };
      // Kysely only passes cursors when the dialect is configured with one, which ours is not.
      wrapper = { query: query as PostgresPoolClient['query'], release: (destroy?: boolean) => client.release(destroy || timedOut) };
      wrappers.set(client, wrapper);
    }
    return wrapper;
  };
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}
