import { type Kysely, type MigrationResultSet, Migrator } from 'kysely';
import type { Database } from './database';
import { migrations } from './migrations';

/**
 * Applies every pending migration. Kysely's Migrator takes a lock row, so several
 * processes starting at once on one PostgreSQL are safe.
 * @see https://kysely.dev/docs/migrations
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
