import { PGlite } from '@electric-sql/pglite';
import { createDatabase, type DatabaseHandle, type DatabaseOptions, migrateToLatest } from '@app/server-data-access';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';

export type TestDbKind = 'pglite' | 'postgres';

/**
 * Which database this test run uses: `TEST_DB=postgres` (with TEST_DATABASE_URL) runs the suites
 * on the real PostgreSQL server; otherwise on embedded PGlite.
 */
export function testDbKind(): TestDbKind {
  const wanted = process.env['TEST_DB'];
  if (wanted === 'postgres') {
    if (!process.env['TEST_DATABASE_URL']) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL');
    return 'postgres';
  }
  return 'pglite';
}

export interface TestDatabase {
  readonly handle: DatabaseHandle;
  readonly kind: TestDbKind;
  /** PostgreSQL only: the URL of this test's own database (for a second API process). */
  readonly url?: string;
  /** Closes and, on PostgreSQL, drops the database. */
  dispose(): Promise<void>;
}

/** Path of a migrated PGlite snapshot written by the global setup (loading it takes ~0.4 s, not ~4 s). */
export const PGLITE_SNAPSHOT_ENV = 'PGLITE_TEST_SNAPSHOT';

async function migratedPglite(): Promise<PGlite> {
  const snapshot = process.env[PGLITE_SNAPSHOT_ENV];
  if (snapshot) {
    const data = await readFile(snapshot);
    return PGlite.create({ loadDataDir: new Blob([data]) });
  }
  const pglite = await PGlite.create();
  const handle = await createDatabase({ pglite });
  await migrateToLatest(handle.db);
  return pglite;
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a new database
 * (`CREATE DATABASE t_…`) on the PostgreSQL server at TEST_DATABASE_URL, dropped afterwards.
 */
export async function createTestDatabase(
  kind: TestDbKind = testDbKind(),
  options: { poolMax?: number; onQuery?: DatabaseOptions['onQuery'] } = {},
): Promise<TestDatabase> {
  const onQuery = options.onQuery ? { onQuery: options.onQuery } : {};
  if (kind === 'pglite') {
    const handle = await createDatabase({ pglite: await migratedPglite(), ...onQuery });
    return { handle, kind, dispose: () => handle.close() };
  }
  const adminUrl = process.env['TEST_DATABASE_URL'];
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await createDatabase({ url: url.toString(), poolMax: options.poolMax ?? 10, onPoolError: () => undefined, ...onQuery });
  await migrateToLatest(handle.db);
  return {
    handle,
    kind,
    url: url.toString(),
    dispose: async () => {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
