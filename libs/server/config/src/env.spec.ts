import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv, toServerConfig, wantsDemoSeed } from './env';
import { DEFAULT_RATE_LIMITS } from './server-config';

describe('rate-limit settings', () => {
  it('default to the built-in limits', () => {
    expect(toServerConfig(loadEnv({}), 'x'.repeat(32)).rateLimits).toEqual(DEFAULT_RATE_LIMITS);
  });

  it('read max/window overrides', () => {
    const env = loadEnv({
      RATE_LIMIT_LOGIN_PER_IP: '1000/1m',
      RATE_LIMIT_LOGIN_PER_EMAIL: ' 20 / 30m ',
      RATE_LIMIT_LOGIN_PER_EMAIL_IP: '4/10m',
      RATE_LIMIT_SIGNUP_PER_IP: '50/1h',
      RATE_LIMIT_REFRESH_PER_IP: '100000/60000',
      RATE_LIMIT_PASSWORD_CHANGE_PER_USER: '3/1h',
      RATE_LIMIT_WRITES_PER_USER: '600/1m',
    });
    expect(toServerConfig(env, 'x'.repeat(32)).rateLimits).toEqual({
      loginPerIp: { max: 1000, windowMs: 60_000 },
      loginPerEmail: { max: 20, windowMs: 30 * 60_000 },
      loginPerEmailIp: { max: 4, windowMs: 10 * 60_000 },
      signupPerIp: { max: 50, windowMs: 3_600_000 },
      refreshPerIp: { max: 100_000, windowMs: 60_000 },
      passwordChangePerUser: { max: 3, windowMs: 3_600_000 },
      writesPerUser: { max: 600, windowMs: 60_000 },
      passwordResetPerEmail: DEFAULT_RATE_LIMITS.passwordResetPerEmail,
      passwordResetPerIp: DEFAULT_RATE_LIMITS.passwordResetPerIp,
      verificationResendPerUser: DEFAULT_RATE_LIMITS.verificationResendPerUser,
    });
  });

  it.each(['100', '0/5m', '100/0', '100/soon', '-1/5m', 'lots/5m'])('refuse %j, naming the variable', (value) => {
    expect(() => loadEnv({ RATE_LIMIT_REFRESH_PER_IP: value })).toThrow(EnvError);
    expect(() => loadEnv({ RATE_LIMIT_REFRESH_PER_IP: value })).toThrow(/RATE_LIMIT_REFRESH_PER_IP: .*100\/5m/);
    expect(() => loadEnv({ RATE_LIMIT_WRITES_PER_USER: value })).toThrow(/RATE_LIMIT_WRITES_PER_USER: .*100\/5m/);
  });
});

const SECRET = 'a-production-secret-of-at-least-32-bytes!';

/** The EnvError message for this environment (fails the test if it loads). */
function errorFor(source: Record<string, string | undefined>): string {
  try {
    loadEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be refused`);
}

describe('loadEnv defaults', () => {
  it('an empty environment gives the documented defaults', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      ACCESS_TOKEN_TTL: 15 * 60_000,
      REFRESH_TOKEN_TTL: 30 * 24 * 3_600_000,
      REFRESH_REUSE_GRACE: 10_000,
      AUTH_EVENT_RETENTION: 90 * 24 * 3_600_000,
      BCRYPT_COST: 12,
      CORS_ORIGINS: [],
      COOKIE_SECURE: true,
      TRUST_PROXY: false,
      LOG_LEVEL: 'info',
    });
    // Unset: embedded database, generated development secret, no admin to ensure.
    for (const key of ['DATABASE_URL', 'JWT_SECRET', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'] as const) expect(env[key]).toBeUndefined();
  });

  it('toServerConfig carries the values over', () => {
    const config = toServerConfig(loadEnv({ CORS_ORIGINS: 'https://app.example.com', COOKIE_SECURE: 'false', BCRYPT_COST: '10' }), SECRET);
    expect(config).toMatchObject({
      jwtSecret: SECRET,
      accessTokenTtlMs: 900_000,
      refreshTokenTtlMs: 2_592_000_000,
      refreshReuseGraceMs: 10_000,
      bcryptCost: 10,
      cookieSecure: false,
      corsOrigins: ['https://app.example.com'],
      trustProxy: false,
      authEventRetentionMs: 90 * 24 * 3_600_000,
    });
    expect(toServerConfig(loadEnv({ AUTH_EVENT_RETENTION: '30d' }), SECRET).authEventRetentionMs).toBe(30 * 24 * 3_600_000);
  });
});

describe('loadEnv values', () => {
  it('reads durations in ms notation or plain milliseconds', () => {
    const env = loadEnv({ ACCESS_TOKEN_TTL: '5m', REFRESH_TOKEN_TTL: '7d', REFRESH_REUSE_GRACE: '0' });
    expect(env.ACCESS_TOKEN_TTL).toBe(300_000);
    expect(env.REFRESH_TOKEN_TTL).toBe(7 * 24 * 3_600_000);
    expect(env.REFRESH_REUSE_GRACE).toBe(0);
    expect(loadEnv({ ACCESS_TOKEN_TTL: '90000' }).ACCESS_TOKEN_TTL).toBe(90_000);
    expect(loadEnv({ AUTH_EVENT_RETENTION: '365d' }).AUTH_EVENT_RETENTION).toBe(365 * 24 * 3_600_000);
    expect(loadEnv({ AUTH_EVENT_RETENTION: ' 1h ' }).AUTH_EVENT_RETENTION).toBe(3_600_000);
  });

  it('reads a list of origins, dropping a trailing slash', () => {
    expect(loadEnv({ CORS_ORIGINS: 'https://a.example.com, http://localhost:4200/' }).CORS_ORIGINS).toEqual([
      'https://a.example.com',
      'http://localhost:4200',
    ]);
  });

  it('a blank PORT means the default, not port 0 (a random port)', () => {
    expect(loadEnv({ PORT: '' }).PORT).toBe(3000);
    expect(loadEnv({ PORT: '  ' }).PORT).toBe(3000);
    expect(loadEnv({ PORT: '8080' }).PORT).toBe(8080);
  });

  it('reads booleans and TRUST_PROXY', () => {
    expect(loadEnv({ COOKIE_SECURE: 'false' }).COOKIE_SECURE).toBe(false);
    expect(loadEnv({ COOKIE_SECURE: '1' }).COOKIE_SECURE).toBe(true);
    expect(loadEnv({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadEnv({ TRUST_PROXY: '0' }).TRUST_PROXY).toBe(0);
    expect(loadEnv({ TRUST_PROXY: 'loopback' }).TRUST_PROXY).toBe('loopback');
    expect(loadEnv({ TRUST_PROXY: ' 10.0.0.0/8, 192.168.1.7 ,fd00::/8,uniquelocal' }).TRUST_PROXY).toBe('10.0.0.0/8,192.168.1.7,fd00::/8,uniquelocal');
  });

  it('refuses TRUST_PROXY=true (any client could choose its address) and anything not a hop count or subnet', () => {
    expect(() => loadEnv({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: true would trust any client-supplied X-Forwarded-For; set the number of proxies/);
    for (const value of ['yes', '10.0.0.0/33', '300.1.1.1', 'loopback,everyone', '10.0.0.0/8/1', '-1']) {
      expect(() => loadEnv({ TRUST_PROXY: value }), value).toThrow(/TRUST_PROXY: .*not a hop count, an address or a subnet/);
    }
  });

  it('metrics on 127.0.0.1:9464 by default, off or elsewhere on request; tracing only with an OTLP endpoint', () => {
    expect(loadEnv({})).toMatchObject({ METRICS_PORT: 9464, METRICS_HOST: '127.0.0.1', OTEL_SERVICE_NAME: 'authstack-api' });
    expect(loadEnv({}).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(loadEnv({ METRICS_PORT: 'off' }).METRICS_PORT).toBe('off');
    expect(loadEnv({ METRICS_PORT: ' 0 ' }).METRICS_PORT).toBe(0);
    expect(loadEnv({ METRICS_PORT: '' }).METRICS_PORT).toBe(9464);
    expect(loadEnv({ METRICS_HOST: '0.0.0.0', METRICS_TOKEN: 'a-scrape-token-of-16+' })).toMatchObject({ METRICS_HOST: '0.0.0.0', METRICS_TOKEN: 'a-scrape-token-of-16+' });
    expect(loadEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector:4318');
  });

  it('seeds the demo accounts outside production on the embedded database, elsewhere only when SEED_DEMO asks', () => {
    const wants = (vars: Record<string, string>, kind: 'pglite' | 'postgres') => wantsDemoSeed(loadEnv({ JWT_SECRET: SECRET, MAIL_TRANSPORT: 'log', ...vars }), kind);
    expect(wants({}, 'pglite')).toBe(true);
    expect(wants({}, 'postgres')).toBe(false);
    expect(wants({ NODE_ENV: 'production' }, 'pglite')).toBe(false);
    expect(wants({ NODE_ENV: 'production', SEED_DEMO: 'true' }, 'pglite')).toBe(true);
    expect(wants({ NODE_ENV: 'production', SEED_DEMO: 'yes' }, 'postgres')).toBe(true);
    expect(wants({ SEED_DEMO: 'false' }, 'pglite')).toBe(false);
    expect(() => loadEnv({ SEED_DEMO: 'maybe' })).toThrow(/SEED_DEMO: must be true or false/);
  });

  it('production with a JWT_SECRET, and ADMIN_EMAIL with ADMIN_PASSWORD, are fine', () => {
    const env = loadEnv({ NODE_ENV: 'production', JWT_SECRET: SECRET, MAIL_TRANSPORT: 'log', ADMIN_EMAIL: ' Boss@Example.com ', ADMIN_PASSWORD: 'Vx7#kQ9!mZ' });
    expect(env.JWT_SECRET).toBe(SECRET);
    expect(env.ADMIN_EMAIL).toBe('boss@example.com');
  });
});

describe('loadEnv refuses bad values, naming the variable', () => {
  it.each<[string, Record<string, string>]>([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['ACCESS_TOKEN_TTL', { ACCESS_TOKEN_TTL: 'soon' }],
    ['ACCESS_TOKEN_TTL', { ACCESS_TOKEN_TTL: '0' }],
    ['REFRESH_TOKEN_TTL', { REFRESH_TOKEN_TTL: '-5m' }],
    ['REFRESH_REUSE_GRACE', { REFRESH_REUSE_GRACE: 'a while' }],
    ['JWT_SECRET', { JWT_SECRET: 'too-short' }],
    ['CORS_ORIGINS', { CORS_ORIGINS: 'not-a-url' }],
    ['CORS_ORIGINS', { CORS_ORIGINS: 'https://ok.example.com,https://app.example.com/path' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://localhost/db' }],
    ['BCRYPT_COST', { BCRYPT_COST: '3' }],
    ['BCRYPT_COST', { BCRYPT_COST: 'cheap' }],
    ['COOKIE_SECURE', { COOKIE_SECURE: 'maybe' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['ADMIN_EMAIL', { ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'Vx7#kQ9!mZ' }],
    ['ADMIN_PASSWORD', { ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'P@ssw0rd1!' }],
    ['METRICS_PORT', { METRICS_PORT: 'on' }],
    ['METRICS_PORT', { METRICS_PORT: '70000' }],
    ['METRICS_PORT', { PORT: '8080', METRICS_PORT: '8080' }],
    ['METRICS_TOKEN', { METRICS_TOKEN: 'short' }],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }],
    ['SMTP_URL', { SMTP_URL: 'mail.example.com:587' }],
    ['SMTP_URL', { SMTP_URL: 'http://mail.example.com' }],
    ['SMTP_URL', { MAIL_TRANSPORT: 'smtp' }],
    ['MAIL_TRANSPORT', { MAIL_TRANSPORT: 'sendmail' }],
    ['MAIL_FROM', { MAIL_FROM: 'nobody' }],
    ['MAIL_FROM', { MAIL_FROM: 'A <a@example.com>\r\nBcc: victim@example.com' }],
    ['APP_URL', { APP_URL: 'app.example.com' }],
    ['APP_URL', { APP_URL: 'ftp://app.example.com' }],
    ['APP_URL', { APP_URL: 'https://app.example.com/?next=evil' }],
    ['RESET_TOKEN_TTL', { RESET_TOKEN_TTL: 'soon' }],
    ['RESET_TOKEN_TTL', { RESET_TOKEN_TTL: '0' }],
    ['VERIFICATION_TOKEN_TTL', { VERIFICATION_TOKEN_TTL: 'a day' }],
    ['REQUIRE_EMAIL_VERIFICATION', { REQUIRE_EMAIL_VERIFICATION: 'maybe' }],
    ['RATE_LIMIT_PASSWORD_RESET_PER_EMAIL', { RATE_LIMIT_PASSWORD_RESET_PER_EMAIL: '3' }],
    ['AUTH_EVENT_RETENTION', { AUTH_EVENT_RETENTION: 'forever' }],
    ['AUTH_EVENT_RETENTION', { AUTH_EVENT_RETENTION: '0' }],
    ['AUTH_EVENT_RETENTION', { AUTH_EVENT_RETENTION: '-30d' }],
    ['AUTH_EVENT_RETENTION', { AUTH_EVENT_RETENTION: '10m' }],
  ])('%s in %j', (variable, source) => {
    expect(errorFor(source)).toMatch(new RegExp(`^\\s+${variable}: `, 'm'));
  });

  it('the message quotes the bad duration and shows the expected form', () => {
    expect(errorFor({ ACCESS_TOKEN_TTL: 'soon' })).toContain('"soon" is not a duration such as 15m, 30d or 10s');
  });

  it('AUTH_EVENT_RETENTION below an hour is refused with the reason', () => {
    expect(errorFor({ AUTH_EVENT_RETENTION: '59m' })).toMatch(/AUTH_EVENT_RETENTION: must be at least 1h/);
  });

  it('production without JWT_SECRET is refused', () => {
    expect(errorFor({ NODE_ENV: 'production' })).toMatch(/JWT_SECRET: is required in production/);
    expect(errorFor({ NODE_ENV: 'production', JWT_SECRET: '   ' })).toMatch(/JWT_SECRET/);
  });

  it('ADMIN_EMAIL without ADMIN_PASSWORD (and the reverse) is refused', () => {
    expect(errorFor({ ADMIN_EMAIL: 'boss@example.com' })).toMatch(/ADMIN_PASSWORD: ADMIN_EMAIL and ADMIN_PASSWORD must be set together/);
    expect(errorFor({ ADMIN_PASSWORD: 'Vx7#kQ9!mZ' })).toMatch(/ADMIN_EMAIL and ADMIN_PASSWORD must be set together/);
  });

  it('several bad values are all named at once', () => {
    const message = errorFor({ PORT: 'abc', ACCESS_TOKEN_TTL: 'soon', JWT_SECRET: 'short' });
    for (const variable of ['PORT', 'ACCESS_TOKEN_TTL', 'JWT_SECRET']) expect(message).toMatch(new RegExp(`^\\s+${variable}: `, 'm'));
  });
});

describe('mail settings', () => {
  const mailOf = (source: Record<string, string>) => toServerConfig(loadEnv(source), SECRET).mail;

  it('outside production without SMTP_URL, mails are logged with their links; links point at the server itself', () => {
    const config = toServerConfig(loadEnv({ PORT: '8080' }), SECRET);
    expect(config.mail).toMatchObject({ transport: 'log', from: 'Authstack <no-reply@localhost>', appUrl: 'http://localhost:8080', logLinks: true });
    expect(config.mail.smtpUrl).toBeUndefined();
    expect(config).toMatchObject({ resetTokenTtlMs: 30 * 60_000, verificationTokenTtlMs: 24 * 3_600_000, requireEmailVerification: false });
  });

  it('SMTP_URL selects smtp; MAIL_TRANSPORT=log overrides it', () => {
    expect(mailOf({ SMTP_URL: 'smtp://user:pw@mail.example.com:587' })).toMatchObject({ transport: 'smtp', smtpUrl: 'smtp://user:pw@mail.example.com:587' });
    expect(mailOf({ SMTP_URL: 'smtps://mail.example.com', MAIL_TRANSPORT: 'log' })).toMatchObject({ transport: 'log' });
    expect(mailOf({ SMTP_URL: 'smtps://mail.example.com', MAIL_TRANSPORT: 'log' }).smtpUrl).toBeUndefined();
  });

  it('reads APP_URL (without a trailing slash), MAIL_FROM, the link lifetimes and REQUIRE_EMAIL_VERIFICATION', () => {
    const config = toServerConfig(
      loadEnv({
        APP_URL: 'https://app.example.com/',
        MAIL_FROM: 'Example <no-reply@example.com>',
        RESET_TOKEN_TTL: '1h',
        VERIFICATION_TOKEN_TTL: '3d',
        REQUIRE_EMAIL_VERIFICATION: 'true',
      }),
      SECRET,
    );
    expect(config.mail).toMatchObject({ appUrl: 'https://app.example.com', from: 'Example <no-reply@example.com>' });
    expect(config).toMatchObject({ resetTokenTtlMs: 3_600_000, verificationTokenTtlMs: 3 * 24 * 3_600_000, requireEmailVerification: true });
    expect(mailOf({ APP_URL: 'https://example.com/app/' }).appUrl).toBe('https://example.com/app');
    expect(mailOf({ MAIL_FROM: 'no-reply@example.com' }).from).toBe('no-reply@example.com');
  });

  it('production without SMTP_URL is refused unless MAIL_TRANSPORT=log is chosen; then links are never logged', () => {
    expect(errorFor({ NODE_ENV: 'production', JWT_SECRET: SECRET })).toMatch(/^\s+SMTP_URL: is required in production .*MAIL_TRANSPORT=log/m);
    expect(mailOf({ NODE_ENV: 'production', JWT_SECRET: SECRET, MAIL_TRANSPORT: 'log' })).toMatchObject({ transport: 'log', logLinks: false });
  });

  it('production mailing by SMTP needs APP_URL (the links point to it)', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: SECRET, SMTP_URL: 'smtps://mail.example.com' };
    expect(errorFor(production)).toMatch(/^\s+APP_URL: is required in production/m);
    expect(mailOf({ ...production, APP_URL: 'https://app.example.com' })).toMatchObject({ transport: 'smtp', appUrl: 'https://app.example.com', logLinks: false });
  });

  it('never echoes an SMTP_URL it refuses (it may hold a password)', () => {
    expect(errorFor({ SMTP_URL: 'http://user:hunter2@mail.example.com' })).not.toContain('hunter2');
  });

  it('reads the mail rate limits', () => {
    const limits = toServerConfig(
      loadEnv({ RATE_LIMIT_PASSWORD_RESET_PER_EMAIL: '2/1h', RATE_LIMIT_PASSWORD_RESET_PER_IP: '10/5m', RATE_LIMIT_VERIFICATION_RESEND_PER_USER: '1/1m' }),
      SECRET,
    ).rateLimits;
    expect(limits).toMatchObject({
      passwordResetPerEmail: { max: 2, windowMs: 3_600_000 },
      passwordResetPerIp: { max: 10, windowMs: 300_000 },
      verificationResendPerUser: { max: 1, windowMs: 60_000 },
    });
  });
});
