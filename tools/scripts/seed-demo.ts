/**
 * `npm run seed-demo`: on an empty database (DATABASE_URL, or the embedded one under DATA_DIR),
 * the demo admin, demo user and people that the first start of an embedded database creates,
 * with their logins printed. A database that already has users is left as it is.
 */
import { DEMO_ADMIN, DEMO_USER, Passwords, seedDemo } from '@app/server-core';
import { createDatabase, prepareDatabase } from '@app/server-data-access';
import { pino } from 'pino';
import { databaseLocation, loadEnv } from '@app/server-config';

async function main(): Promise<void> {
  const env = loadEnv(process.env);
  const database = await createDatabase(databaseLocation(env));
  try {
    await prepareDatabase(database, pino({ level: 'warn' }), { maxWaitMs: 10_000 });
    if (await seedDemo(database.db, new Passwords(env.BCRYPT_COST))) {
      console.log(`Seeded ${database.description}:`);
      console.log(`  admin  ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`);
      console.log(`  user   ${DEMO_USER.email} / ${DEMO_USER.password}`);
    } else {
      console.log(`${database.description} already has users: nothing seeded`);
    }
  } finally {
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`seed-demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
