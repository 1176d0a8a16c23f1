import { databaseLocation, type Env, EnvError, loadEnv, toServerConfig, wantsDemoSeed } from '@app/server-config';
import { createServices, DEMO_ADMIN, DEMO_USER, seedDemo } from '@app/server-core';
import { createDatabase, MemoryRateLimitStore, PostgresRateLimitStore, prepareDatabase } from '@app/server-data-access';
import { type RunningMetricsServer, type RunningServer, startHttpServer, startMetricsServer } from '@app/server-http';
import { NO_METRICS, NO_TRACING, ServerMetrics, type Tracing } from '@app/server-observability';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { resolveDevSecret } from './dev-secret';

/** OpenTelemetry only when OTEL_EXPORTER_OTLP_ENDPOINT is set: imported on demand (a chunk of its own). */
async function startTracing(env: Env): Promise<Tracing> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return NO_TRACING;
  const { startOtelTracing } = await import('@app/server-observability/otel');
  return startOtelTracing({ serviceName: env.OTEL_SERVICE_NAME, endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
}

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
  const tracing = await startTracing(env);
  const metricsPort = env.METRICS_PORT === 'off' ? undefined : env.METRICS_PORT;
  const metrics = metricsPort === undefined ? undefined : new ServerMetrics();
  const database = await createDatabase({
    ...databaseLocation(env),
    poolMax: env.DATABASE_POOL_MAX,
    onPoolError: (error) => logger.warn({ err: error }, 'database connection lost; the pool will reconnect'),
    ...(tracing.enabled ? { onQuery: (event) => tracing.query(event) } : {}),
  });
  const { poolStats } = database;
  if (metrics && poolStats) metrics.observeDatabasePool(poolStats);
  logger.info({ database: database.description }, 'database');
  // Production on the embedded database is allowed (a single small instance) but never by accident.
  const embeddedInProduction = env.NODE_ENV === 'production' && database.kind === 'pglite';
  if (embeddedInProduction) {
    logger.warn({ database: database.description }, 'production on the embedded database: one process only; set DATABASE_URL for PostgreSQL');
  }
  await prepareDatabase(database, logger);

  const services = createServices({
    config: toServerConfig(env, jwtSecret),
    database,
    logger,
    rateLimitStore: database.kind === 'postgres' ? new PostgresRateLimitStore(database.db) : new MemoryRateLimitStore(),
    telemetry: { metrics: metrics ?? NO_METRICS, tracing },
  });
  await services.passwords.warmUp();

  // Demo accounts (published passwords) only outside production or when SEED_DEMO asks, and only
  // on an empty database; ADMIN_EMAIL then adds its admin beside them.
  const seeded = wantsDemoSeed(env, database.kind) && (await seedDemo(services.db, services.passwords));
  if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD) {
    const { outcome } = await services.users.ensureAdmin(env.ADMIN_EMAIL, env.ADMIN_PASSWORD);
    logger.info({ email: env.ADMIN_EMAIL, outcome }, 'admin from ADMIN_EMAIL');
  }

  // Metrics first: a taken METRICS_PORT stops start-up before the API takes any traffic.
  const metricsServer: RunningMetricsServer | undefined =
    metrics && metricsPort !== undefined
      ? await startMetricsServer(metrics, { port: metricsPort, host: env.METRICS_HOST, token: env.METRICS_TOKEN })
      : undefined;
  const running: RunningServer = await startHttpServer(services, { port: env.PORT, host: env.HOST });
  const startupMs = Math.round(performance.now() - startedAt);
  logger.info({ url: running.url, metrics: metricsServer?.url, tracing: tracing.enabled, startupMs, database: database.kind }, 'listening');

  const lines = [``, `  App ready at ${running.url}   (${database.description}, started in ${startupMs} ms)`];
  if (metricsServer) lines.push(`  Metrics at ${metricsServer.url}`);
  if (embeddedInProduction) {
    lines.push(
      `  WARNING: NODE_ENV=production on the EMBEDDED database (${database.description}).`,
      `  It serves one process only and lives in DATA_DIR; set DATABASE_URL to use PostgreSQL.`,
    );
  }
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
    Promise.all([running.close(), metricsServer?.close()])
      .then(() => tracing.shutdown())
      .then(
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
