import { encodePeopleCursor } from '@app/server-core';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A database of the bench's own on the given server: created at start, dropped at the end. */
export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  /** `server_version` of the PostgreSQL server, e.g. "15.20 (Debian 15.20-0+deb12u1)". */
  readonly serverVersion: string;
  /** Runs SQL in the bench database. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** The PostgreSQL backends connected to this database, other than the bench's own connection. */
  backendPids(): Promise<number[]>;
  drop(): Promise<void>;
}

async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `bench_${randomBytes(5).toString('hex')}`;
  const serverVersion = await withAdmin(adminUrl, async (admin) => {
    // The name is generated above (hex only): safe to interpolate.
    await admin.query(`create database ${name}`);
    const { rows } = await admin.query<{ server_version: string }>('show server_version');
    return rows[0]?.server_version ?? 'unknown';
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  let dropped = false;
  return {
    name,
    url: url.toString(),
    serverVersion,
    query: (text, values) => client.query(text, values),
    backendPids: async () =>
      (await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name])).rows.map((r) => r.pid),
    async drop() {
      if (dropped) return;
      dropped = true;
      await client.end().catch(() => undefined);
      await withAdmin(adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
    },
  };
}

const FIRST_NAMES = [
  'Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Frances', 'Tony',
  'José', 'Seán', 'Zoë', 'Radia', 'John', 'Leslie', 'Adele', 'Niklaus', 'Katherine', 'Dennis',
  'Hedy', 'Tim', 'Sophie', 'Guido', 'Maria', 'Marco', 'Martin', 'Anna', 'Ivan', 'Olga',
  'Wei', 'Li', 'Yuki', 'Hiro', 'Amara', 'Kofi', 'Fatima', 'Omar', 'Lucía', 'Pablo',
  'Ingrid', 'Lars', 'Chiara', 'Luca', 'Priya', 'Arjun', 'Noor', 'Elif', 'Mehmet', 'Sara',
];
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'sa', 'to', 'vi', 'del', 'an', 'ber', 'cor', 'da', 'el', 'fin', 'gar', 'hol', 'is', 'jun', 'mar', 'nor'];

/** A search term that matches ~8% of the generated people (last names starting "mar", first names "Mar…"). */
export const SEARCH_TERM = 'mar';

const sqlArray = (items: string[]) => `array[${items.map((s) => `'${s.replace(/'/g, "''")}'`).join(',')}]::text[]`;

/**
 * Grows `people` to `total` rows with one INSERT … SELECT over generate_series (names picked by
 * hashing the row number, so every size has the same distribution), then VACUUM ANALYZE, as
 * autovacuum would eventually do on a real table.
 */
export async function growPeople(db: BenchDatabase, total: number): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  const { rows } = await db.query<{ n: string }>('select count(*) as n from people');
  const current = Number(rows[0]?.n ?? 0);
  if (current < total) {
    const syllable = (seed: string) => `(${sqlArray(SYLLABLES)})[1 + abs(hashint4(${seed}) % ${SYLLABLES.length})]`;
    await db.query(
      `insert into people (first_name, last_name)
       select (${sqlArray(FIRST_NAMES)})[1 + abs(hashint4(i) % ${FIRST_NAMES.length})],
              initcap(${syllable('i + 1000003')} || ${syllable('i + 2000003')} || ${syllable('i + 3000017')})
       from generate_series($1::int, $2::int) as i`,
      [current + 1, total],
    );
  }
  await db.query('vacuum (analyze) people');
  return { rows: Math.max(current, total), seconds: (performance.now() - started) / 1000 };
}

/** A cursor pointing halfway through the table in name order: a "deep" page. */
export async function deepCursor(db: BenchDatabase): Promise<string> {
  const { rows: count } = await db.query<{ n: string }>('select count(*) as n from people');
  const offset = Math.floor(Number(count[0]?.n ?? 0) / 2);
  const { rows } = await db.query<{ id: number; first_name: string; last_name: string }>(
    `select id, first_name, last_name from people
     order by lower(last_name), lower(first_name), id offset $1 limit 1`,
    [offset],
  );
  const row = rows[0];
  if (!row) throw new Error('people is empty');
  return encodePeopleCursor({ sort: 'name', lastName: row.last_name, firstName: row.first_name, id: row.id });
}
