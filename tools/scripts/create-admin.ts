/**
 * `npm run create-admin -- <email>`: creates an admin, or promotes an existing account (and sets
 * its password; promotion revokes its sessions like any role change). The password comes from
 * ADMIN_PASSWORD, else a prompt that does not echo. Uses DATABASE_URL, or the embedded database
 * under DATA_DIR (stop the server first: the embedded database is single-process).
 */
import { Email, Password } from '@app/contracts';
import { createServices } from '@app/server-core';
import { createDatabase, MemoryRateLimitStore, prepareDatabase } from '@app/server-data-access';
import { pino } from 'pino';
import { databaseLocation, loadEnv, toServerConfig } from '@app/server-config';
import { readSecret } from './read-secret';

async function main(): Promise<number> {
  const rawEmail = process.argv[2];
  if (!rawEmail || rawEmail.startsWith('-')) {
    console.error('Usage: npm run create-admin -- <email>   (password from ADMIN_PASSWORD or a prompt)');
    return 2;
  }
  const email = Email.safeParse(rawEmail);
  if (!email.success) {
    console.error(`Invalid email: ${email.error.issues[0]?.message ?? 'invalid'}`);
    return 2;
  }
  const { ADMIN_PASSWORD: fromEnv, ...rest } = process.env;
  const env = loadEnv(rest);
  const password = fromEnv ?? (await readSecret(`Password for ${email.data}: `));
  const checked = Password.safeParse(password);
  if (!checked.success) {
    console.error(`Password rejected:\n${checked.error.issues.map((i) => `  - ${i.message}`).join('\n')}`);
    return 2;
  }

  const logger = pino({ level: 'warn' });
  const database = await createDatabase(databaseLocation(env));
  try {
    await prepareDatabase(database, logger, { maxWaitMs: 10_000 });
    const services = createServices({
      config: toServerConfig(env, env.JWT_SECRET ?? 'unused-for-admin-creation-but-32-bytes-long'),
      database,
      logger,
      rateLimitStore: new MemoryRateLimitStore(),
    });
    const { user, outcome } = await services.users.ensureAdmin(email.data, checked.data);
    console.log(`${user.email} (${user.id}): ${outcome}, in ${database.description}`);
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`create-admin failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
