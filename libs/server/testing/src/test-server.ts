import { DEFAULT_AUDIENCE, DEFAULT_AUTH_EVENT_RETENTION_MS, DEFAULT_ISSUER, DEFAULT_MAIL_FROM, type ServerConfig } from '@app/server-config';
import { type AppServices, createServices } from '@app/server-core';
import { MemoryRateLimitStore, PostgresRateLimitStore } from '@app/server-data-access';
import { type RunningServer, startHttpServer } from '@app/server-http';
import type { Telemetry } from '@app/server-observability';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase, type TestDbKind, testDbKind } from './test-database';

/** A secret used only by tests (32+ bytes). */
export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

/** Fast, permissive settings for tests: cheap bcrypt, limits out of the way (tests of limits lower them). */
export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  const generous = { max: 100_000, windowMs: 60_000 };
  return {
    jwtSecret: TEST_JWT_SECRET,
    issuer: DEFAULT_ISSUER,
    audience: DEFAULT_AUDIENCE,
    accessTokenTtlMs: 15 * 60_000,
    refreshTokenTtlMs: 30 * 24 * 3_600_000,
    refreshReuseGraceMs: 10_000,
    bcryptCost: 4,
    rateLimits: {
      loginPerEmail: generous,
      loginPerEmailIp: generous,
      loginPerIp: generous,
      signupPerIp: generous,
      refreshPerIp: generous,
      passwordChangePerUser: generous,
      writesPerUser: generous,
      passwordResetPerEmail: generous,
      passwordResetPerIp: generous,
      verificationResendPerUser: generous,
    },
    cookieSecure: true,
    corsOrigins: [],
    trustProxy: false,
    bodyLimitBytes: 64 * 1024,
    // Mails go to the log (silent in tests) unless a test points them at its SMTP server (see smtp-sink.ts).
    mail: {
      transport: 'log',
      from: DEFAULT_MAIL_FROM,
      appUrl: 'http://localhost:4200',
      logLinks: true,
      pollIntervalMs: 1_000,
      retryBaseMs: 200,
      retryMaxMs: 2_000,
    },
    resetTokenTtlMs: 30 * 60_000,
    verificationTokenTtlMs: 24 * 3_600_000,
    requireEmailVerification: false,
    authEventRetentionMs: DEFAULT_AUTH_EVENT_RETENTION_MS,
    ...overrides,
  };
}

export interface TestServer {
  readonly url: string;
  readonly services: AppServices;
  readonly database: TestDatabase;
  readonly running: RunningServer;
  readonly kind: TestDbKind;
  close(): Promise<void>;
}

/**
 * The real Express app on an ephemeral port over a fresh database (PGlite or PostgreSQL, see
 * `testDbKind`). Pass `database` to start a second API process on the same database.
 */
export async function startTestServer(
  options: { config?: Partial<ServerConfig>; database?: TestDatabase; kind?: TestDbKind; telemetry?: Telemetry } = {},
): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase(options.kind ?? testDbKind()));
  const ownsDatabase = !options.database;
  const services = createServices({
    config: testConfig(options.config),
    database: database.handle,
    logger: pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }),
    rateLimitStore:
      database.kind === 'postgres' ? new PostgresRateLimitStore(database.handle.db) : new MemoryRateLimitStore(),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
  });
  const running = await startHttpServer(
    // A second process on the same database must not close the first one's pool.
    ownsDatabase ? services : { ...services, database: { ...database.handle, close: async () => undefined } },
    { port: 0, host: '127.0.0.1' },
  );
  return {
    url: running.url,
    services,
    database,
    running,
    kind: database.kind,
    close: async () => {
      await running.close(2_000);
      if (ownsDatabase) await database.dispose();
    },
  };
}
