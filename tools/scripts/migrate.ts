/**
 * `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database under
 * DATA_DIR). The server also does this at start; this is for deploy pipelines.
 */
import { createDatabase, migrateToLatest } from '@app/server-data-access';
import { databaseLocation, loadEnv } from '@app/server-config';

async function main(): Promise<void> {
  const env = loadEnv(process.env);
  const database = await createDatabase(databaseLocation(env));
  try {
    const { results } = await migrateToLatest(database.db);
    if (!results?.length) console.log(`${database.description}: already up to date`);
    for (const r of results ?? []) console.log(`${r.status === 'Success' ? 'applied' : r.status}: ${r.migrationName}`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
