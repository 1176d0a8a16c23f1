import { Email, Password } from '@app/contracts';
import {
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  DEFAULT_MAIL_FROM,
  DEFAULT_MAIL_TIMING,
  DEFAULT_RATE_LIMITS,
  type MailConfig,
  type RateLimitRule,
  type ServerConfig,
} from './server-config';
import ms, { type StringValue } from 'ms';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';

/** `15m`, `30d`, `10s` or plain milliseconds → milliseconds; undefined when not a duration. */
function parseDuration(value: string): number | undefined {
  const parsed = /^\d+$/.test(value) ? Number(value) : ms(value as StringValue);
  return typeof parsed === 'number' && Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

/** A duration in jsonwebtoken's `ms` notation (`15m`, `30d`, `10s`), as milliseconds. */
function duration(defaultValue: string, { allowZero = false } = {}) {
  return z
    .string()
    .trim()
    .default(defaultValue)
    .transform((value, ctx) => {
      const parsed = parseDuration(value);
      if (parsed === undefined || (!allowZero && parsed === 0)) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration such as 15m, 30d or 10s` });
        return z.NEVER;
      }
      return parsed;
    });
}

/** A rate limit written `max/window` (`100/5m`: 100 attempts per 5 minutes); unset → the built-in rule. */
function rateLimit(defaultRule: RateLimitRule) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): RateLimitRule => {
      const value = raw?.trim();
      if (!value) return defaultRule;
      const match = /^(\d{1,9})\s*\/\s*(\S+)$/.exec(value);
      const max = Number(match?.[1]);
      const windowMs = match?.[2] === undefined ? undefined : parseDuration(match[2]);
      if (!match || max < 1 || !windowMs) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a limit such as 100/5m (attempts/window)` });
        return z.NEVER;
      }
      return { max, windowMs };
    });
}

/** true/false (also 1/0, yes/no); undefined when unset. */
const optionalBool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .optional()
  .transform((v) => (v === undefined ? undefined : ['true', '1', 'yes'].includes(v)));

const bool = (defaultValue: boolean) => optionalBool.transform((v) => v ?? defaultValue);

/** Names Express (proxy-addr) accepts for well-known ranges. */
const NAMED_SUBNETS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IP address or a CIDR range such as 10.0.0.0/8 or fd00::/8. */
function isSubnet(value: string): boolean {
  const [address = '', prefix, extra] = value.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * Express's `trust proxy`, limited to what cannot be spoofed: `false`, a hop count, or the proxies'
 * addresses/subnets. `true` would take the left-most X-Forwarded-For entry, which any client
 * writes itself: every per-IP limit and every session's IP would be the attacker's choice.
 * @see https://expressjs.com/en/guide/behind-proxies.html
 */
const trustProxy = z
  .string()
  .trim()
  .default('false')
  .transform((value, ctx): false | number | string => {
    if (value === 'false' || value === '') return false;
    if (/^\d{1,3}$/.test(value)) return Number(value);
    if (value === 'true') {
      ctx.addIssue({
        code: 'custom',
        message:
          'true would trust any client-supplied X-Forwarded-For; set the number of proxies in front of the API (e.g. 1 behind one nginx) or their addresses/subnets (e.g. 10.0.0.0/8 or loopback)',
      });
      return z.NEVER;
    }
    const entries = value.split(',').map((entry) => entry.trim());
    const bad = entries.filter((entry) => !NAMED_SUBNETS.has(entry) && !isSubnet(entry));
    if (bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `"${bad.join('", "')}" is not a hop count, an address or a subnet such as 10.0.0.0/8` });
      return z.NEVER;
    }
    return entries.join(',');
  });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** `smtp://host:587` or `smtps://user:pass@host:465`. The value is never echoed: it may hold a password. */
const smtpUrl = optionalString.refine(
  (value) => {
    if (value === undefined) return true;
    try {
      const url = new URL(value);
      return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
    } catch {
      return false;
    }
  },
  { message: 'must be an smtp:// or smtps:// URL such as smtp://user:password@mail.example.com:587' },
);

/** `Name <address@host>` or a bare address; one line (a line break would let it add headers). */
const mailFrom = z
  .string()
  .trim()
  .default(DEFAULT_MAIL_FROM)
  .refine((value) => /^(?:[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/.test(value), {
    message: 'must be an address such as no-reply@example.com or "Authstack <no-reply@example.com>"',
  });

/** The public base URL of the app (links in mails); no query or fragment; stored without a trailing slash. */
const appUrl = optionalString.transform((value, ctx) => {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username || url.password) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a base URL such as https://app.example.com` });
    return z.NEVER;
  }
  return url.toString().replace(/\/+$/, '');
});

const Env = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    // Blank means unset (as for the optional strings below): coercing '' would give 0, a random port.
    PORT: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65_535).default(3000),
    ),
    HOST: z.string().trim().min(1).default('0.0.0.0'),
    DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\/.+/.test(v), {
      message: 'must be a postgres:// URL (or unset for the embedded database)',
    }),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    DATA_DIR: z.string().trim().min(1).default('.data'),
    JWT_SECRET: optionalString.refine((v) => v === undefined || Buffer.byteLength(v, 'utf8') >= 32, {
      message: 'must be at least 32 bytes (e.g. `openssl rand -base64 48`)',
    }),
    JWT_ISSUER: z.string().trim().min(1).default(DEFAULT_ISSUER),
    JWT_AUDIENCE: z.string().trim().min(1).default(DEFAULT_AUDIENCE),
    ACCESS_TOKEN_TTL: duration('15m'),
    REFRESH_TOKEN_TTL: duration('30d'),
    REFRESH_REUSE_GRACE: duration('10s', { allowZero: true }),
    BCRYPT_COST: z.coerce.number({ error: 'must be a number' }).int().min(4, 'must be at least 4').max(15, 'must be at most 15').default(12),
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((value, ctx) => {
        const origins = value.split(',').map((o) => o.trim()).filter(Boolean);
        for (const origin of origins) {
          let parsed: URL | undefined;
          try {
            parsed = new URL(origin);
          } catch {
            parsed = undefined;
          }
          if (!parsed || parsed.origin !== origin.replace(/\/$/, '')) {
            ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin such as https://app.example.com` });
          }
        }
        return origins.map((o) => o.replace(/\/$/, ''));
      }),
    COOKIE_SECURE: bool(true),
    TRUST_PROXY: trustProxy,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Unset: demo accounts on a first start of the embedded database outside production only.
    SEED_DEMO: optionalBool,
    ADMIN_EMAIL: optionalString.pipe(Email.optional()),
    ADMIN_PASSWORD: optionalString.pipe(Password.optional()),
    RATE_LIMIT_LOGIN_PER_EMAIL: rateLimit(DEFAULT_RATE_LIMITS.loginPerEmail),
    RATE_LIMIT_LOGIN_PER_EMAIL_IP: rateLimit(DEFAULT_RATE_LIMITS.loginPerEmailIp),
    RATE_LIMIT_LOGIN_PER_IP: rateLimit(DEFAULT_RATE_LIMITS.loginPerIp),
    RATE_LIMIT_SIGNUP_PER_IP: rateLimit(DEFAULT_RATE_LIMITS.signupPerIp),
    RATE_LIMIT_REFRESH_PER_IP: rateLimit(DEFAULT_RATE_LIMITS.refreshPerIp),
    RATE_LIMIT_PASSWORD_CHANGE_PER_USER: rateLimit(DEFAULT_RATE_LIMITS.passwordChangePerUser),
    RATE_LIMIT_WRITES_PER_USER: rateLimit(DEFAULT_RATE_LIMITS.writesPerUser),
    RATE_LIMIT_PASSWORD_RESET_PER_EMAIL: rateLimit(DEFAULT_RATE_LIMITS.passwordResetPerEmail),
    RATE_LIMIT_PASSWORD_RESET_PER_IP: rateLimit(DEFAULT_RATE_LIMITS.passwordResetPerIp),
    RATE_LIMIT_VERIFICATION_RESEND_PER_USER: rateLimit(DEFAULT_RATE_LIMITS.verificationResendPerUser),
    SMTP_URL: smtpUrl,
    MAIL_FROM: mailFrom,
    // Unset: smtp when SMTP_URL is set, else log (outside production; production must choose).
    MAIL_TRANSPORT: z.enum(['smtp', 'log'], { error: 'must be smtp or log' }).optional(),
    APP_URL: appUrl,
    RESET_TOKEN_TTL: duration('30m'),
    VERIFICATION_TOKEN_TTL: duration('24h'),
    REQUIRE_EMAIL_VERIFICATION: bool(false),
    // How long the auth event log keeps an event; at least an hour (the clean-up runs hourly).
    AUTH_EVENT_RETENTION: duration('90d').refine((ms) => ms >= 3_600_000, { message: 'must be at least 1h' }),
    BODY_LIMIT: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
    WEB_DIR: z.string().trim().default('dist/apps/web/browser'),
    // Prometheus metrics on a listener of their own (never on PORT): `off` disables it.
    METRICS_PORT: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
      z.union([z.literal('off'), z.coerce.number({ error: 'must be a port number or off' }).int().min(0).max(65_535)]).default(9464),
    ),
    METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
    METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters' }),
    // The standard OpenTelemetry variable: set, the server exports traces over OTLP/HTTP (protobuf).
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), {
      message: 'must be an http(s) URL such as http://collector:4318',
    }),
    OTEL_SERVICE_NAME: z.string().trim().min(1).default('authstack-api'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production' });
    }
    if (env.METRICS_PORT !== 'off' && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: 'must differ from PORT: metrics are never served on the public port' });
    }
    if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together' });
    }
    checkMail(env, ctx);
  });

/**
 * Mail must be a choice in production: without SMTP_URL the server refuses to start unless
 * MAIL_TRANSPORT=log says that logging (recipient and kind only) is what is wanted.
 */
function checkMail(
  env: { NODE_ENV: string; SMTP_URL?: string | undefined; MAIL_TRANSPORT?: 'smtp' | 'log' | undefined; APP_URL?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (env.MAIL_TRANSPORT === 'smtp' && !env.SMTP_URL) {
    ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'is required with MAIL_TRANSPORT=smtp' });
  }
  if (env.NODE_ENV !== 'production') return;
  if (!env.SMTP_URL && env.MAIL_TRANSPORT === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['SMTP_URL'],
      message: 'is required in production (password reset and verification links are mailed); set MAIL_TRANSPORT=log to only log that a mail was due, without its link',
    });
  }
  if (mailTransportOf(env) === 'smtp' && !env.APP_URL) {
    ctx.addIssue({ code: 'custom', path: ['APP_URL'], message: 'is required in production: the links in mails point to it (e.g. https://app.example.com)' });
  }
}

function mailTransportOf(env: { SMTP_URL?: string | undefined; MAIL_TRANSPORT?: 'smtp' | 'log' | undefined }): 'smtp' | 'log' {
  return env.MAIL_TRANSPORT ?? (env.SMTP_URL ? 'smtp' : 'log');
}

export type Env = z.infer<typeof Env>;

export class EnvError extends Error {}

/**
 * Validates the environment (the caller passes `process.env`: libraries never read it).
 * A bad value throws EnvError naming each variable at fault.
 */
export function loadEnv(source: Record<string, string | undefined>): Env {
  const parsed = Env.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    throw new EnvError(`Invalid configuration:\n${[...new Set(lines)].join('\n')}`);
  }
  return parsed.data;
}

export function toServerConfig(env: Env, jwtSecret: string): ServerConfig {
  return {
    jwtSecret,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    accessTokenTtlMs: env.ACCESS_TOKEN_TTL,
    refreshTokenTtlMs: env.REFRESH_TOKEN_TTL,
    refreshReuseGraceMs: env.REFRESH_REUSE_GRACE,
    bcryptCost: env.BCRYPT_COST,
    rateLimits: {
      loginPerEmail: env.RATE_LIMIT_LOGIN_PER_EMAIL,
      loginPerEmailIp: env.RATE_LIMIT_LOGIN_PER_EMAIL_IP,
      loginPerIp: env.RATE_LIMIT_LOGIN_PER_IP,
      signupPerIp: env.RATE_LIMIT_SIGNUP_PER_IP,
      refreshPerIp: env.RATE_LIMIT_REFRESH_PER_IP,
      passwordChangePerUser: env.RATE_LIMIT_PASSWORD_CHANGE_PER_USER,
      writesPerUser: env.RATE_LIMIT_WRITES_PER_USER,
      passwordResetPerEmail: env.RATE_LIMIT_PASSWORD_RESET_PER_EMAIL,
      passwordResetPerIp: env.RATE_LIMIT_PASSWORD_RESET_PER_IP,
      verificationResendPerUser: env.RATE_LIMIT_VERIFICATION_RESEND_PER_USER,
    },
    cookieSecure: env.COOKIE_SECURE,
    corsOrigins: env.CORS_ORIGINS,
    trustProxy: env.TRUST_PROXY,
    bodyLimitBytes: env.BODY_LIMIT,
    authEventRetentionMs: env.AUTH_EVENT_RETENTION,
    webDir: env.WEB_DIR,
    mail: mailConfig(env),
    resetTokenTtlMs: env.RESET_TOKEN_TTL,
    verificationTokenTtlMs: env.VERIFICATION_TOKEN_TTL,
    requireEmailVerification: env.REQUIRE_EMAIL_VERIFICATION,
  };
}

/** APP_URL unset (development): the server's own origin on this machine. */
function mailConfig(env: Env): MailConfig {
  const transport = mailTransportOf(env);
  return {
    transport,
    ...(transport === 'smtp' && env.SMTP_URL ? { smtpUrl: env.SMTP_URL } : {}),
    from: env.MAIL_FROM,
    appUrl: env.APP_URL ?? `http://localhost:${env.PORT}`,
    logLinks: env.NODE_ENV !== 'production',
    ...DEFAULT_MAIL_TIMING,
  };
}

/**
 * Whether to create the demo accounts (with their published passwords) on an empty database:
 * when SEED_DEMO asks for it, else only on the embedded database outside production.
 */
export function wantsDemoSeed(env: Env, database: 'pglite' | 'postgres'): boolean {
  return env.SEED_DEMO ?? (database === 'pglite' && env.NODE_ENV !== 'production');
}

/** Where the database lives: DATABASE_URL, else the embedded PGlite under DATA_DIR. */
export function databaseLocation(env: Env): { url?: string; dataDir?: string } {
  return env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: join(env.DATA_DIR, 'pglite') };
}
