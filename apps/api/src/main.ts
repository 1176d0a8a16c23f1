import { databaseLocation, EnvError, loadEnv, toServerConfig } from '@app/server-config';
import { createServices, DEMO_ADMIN, DEMO_USER, seedDemo } from '@app/server-core';
import { createDatabase, MemoryRateLimitStore, PostgresRateLimitStore, prepareDatabase } from '@app/server-data-access';
import { type RunningServer, startHttpServer } from '@app/server-http';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { resolveDevSecret } from './dev-secret';

async function main(): Promise<void> {
  const startedAt = performance.now();
  let env;
  try {
    env = loadEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const logger = pino({
    level: env.LOG_LEVEL,
    redact: { paths: ['password', '*.password', 'token', '*.token', 'refreshToken', '*.refreshToken', 'accessToken'], remove: true },
  });

  const jwtSecret = env.JWT_SECRET ?? (await resolveDevSecret(env.DATA_DIR, logger));
  const database = await createDatabase({
    ...databaseLocation(env),
    poolMax: env.DATABASE_POOL_MAX,
    onPoolError: (error) => logger.warn({ err: error }, 'database connection lost; the pool will reconnect'),
  });
  logger.info({ database: database.description }, 'database');
  await prepareDatabase(database, logger);

  const services = createServices({
    config: toServerConfig(env, jwtSecret),
    database,
    logger,
    rateLimitStore: database.kind === 'postgres' ? new PostgresRateLimitStore(database.db) : new MemoryRateLimitStore(),
  });
  await services.passwords.warmUp();

  // Demo accounts first, on an empty embedded database only: ADMIN_EMAIL then adds its admin beside them.
  const seeded = database.kind === 'pglite' && (await seedDemo(services.db, services.passwords));
  if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD) {
    const { outcome } = await services.users.ensureAdmin(env.ADMIN_EMAIL, env.ADMIN_PASSWORD);
    logger.info({ email: env.ADMIN_EMAIL, outcome }, 'admin from ADMIN_EMAIL');
  }

  const running: RunningServer = await startHttpServer(services, { port: env.PORT, host: env.HOST });
  const startupMs = Math.round(performance.now() - startedAt);
  logger.info({ url: running.url, startupMs, database: database.kind }, 'listening');

  const lines = [``, `  App ready at ${running.url}   (${database.description}, started in ${startupMs} ms)`];
  if (seeded) {
    lines.push(
      `  Demo logins (created on this first start):`,
      `    admin  ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`,
      `    user   ${DEMO_USER.email} / ${DEMO_USER.password}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'forced exit');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    running.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (error) => logger.error({ err: error }, 'unhandled rejection'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
