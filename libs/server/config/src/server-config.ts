/** A fixed-window limit: at most `max` hits per `windowMs`. */
export interface RateLimitRule {
  max: number;
  windowMs: number;
}

export interface RateLimitConfig {
  /**
   * Login attempts per email from any address (a success clears the count). Loose, so a stranger's
   * guesses cannot lock the owner out; a device holding a live session of the account is exempt.
   */
  loginPerEmail: RateLimitRule;
  /** Login attempts per (email, client IP) (a success clears the count). Tight: one guesser's budget for one account. */
  loginPerEmailIp: RateLimitRule;
  /** Per client IP; generous enough for an office behind one NAT. */
  loginPerIp: RateLimitRule;
  signupPerIp: RateLimitRule;
  refreshPerIp: RateLimitRule;
  /** Attempts to change the password per signed-in user (a success clears the count): guessing the current password with a stolen session. */
  passwordChangePerUser: RateLimitRule;
  /** Mutations per signed-in user, each call of a batch counted (signing out never is): one token cannot write without bound. */
  writesPerUser: RateLimitRule;
  /** "Forgot password" requests per email (known or not: the same count either way). */
  passwordResetPerEmail: RateLimitRule;
  /** "Forgot password" requests per client IP. */
  passwordResetPerIp: RateLimitRule;
  /** New verification links per signed-in user. */
  verificationResendPerUser: RateLimitRule;
}

/** How mail leaves the server: by SMTP, or as a log line (development, or production explicitly). */
export interface MailConfig {
  transport: 'smtp' | 'log';
  /** `smtp://` or `smtps://`, with credentials if the relay needs them; set when `transport` is smtp. */
  smtpUrl?: string;
  /** The From header, e.g. `Authstack <no-reply@example.com>`. */
  from: string;
  /** Base of the links in mails (`<appUrl>/reset-password?token=…`), without a trailing slash. */
  appUrl: string;
  /** The log transport shows the link (development); false in production, where only recipient and kind are logged. */
  logLinks: boolean;
  /** How often the outbox is polled for mails enqueued by other processes or due for a retry. */
  pollIntervalMs: number;
  /** First retry delay after a failed send; it doubles with each failure, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
}

/** Everything the server needs to know, already validated (apps/api builds it from the environment). */
export interface ServerConfig {
  /** ≥ 32 bytes. Signs access tokens; also keys the refresh-token chain. */
  jwtSecret: string;
  issuer: string;
  audience: string;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  refreshReuseGraceMs: number;
  bcryptCost: number;
  rateLimits: RateLimitConfig;
  cookieSecure: boolean;
  /** Origins allowed to send cookie-authenticated mutations, besides the server's own. */
  corsOrigins: string[];
  /** Express's `trust proxy` setting: false, a hop count, or the proxies' addresses/subnets (comma-separated); never `true`. */
  trustProxy: false | number | string;
  /** Auth events older than this are deleted by the periodic clean-up. */
  authEventRetentionMs: number;
  /** Largest accepted request body, in bytes. */
  bodyLimitBytes: number;
  /** Built web app to serve on the same origin (optional). */
  webDir?: string;
  mail: MailConfig;
  /** Lifetime of a password reset link. */
  resetTokenTtlMs: number;
  /** Lifetime of an email verification link. */
  verificationTokenTtlMs: number;
  /** Unverified accounts may only read themselves, verify, ask for a new link and sign out (403 EMAIL_NOT_VERIFIED otherwise). */
  requireEmailVerification: boolean;
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  loginPerEmail: { max: 50, windowMs: 15 * 60_000 },
  loginPerEmailIp: { max: 5, windowMs: 15 * 60_000 },
  loginPerIp: { max: 100, windowMs: 5 * 60_000 },
  signupPerIp: { max: 100, windowMs: 5 * 60_000 },
  refreshPerIp: { max: 600, windowMs: 5 * 60_000 },
  passwordChangePerUser: { max: 5, windowMs: 15 * 60_000 },
  writesPerUser: { max: 120, windowMs: 60_000 },
  passwordResetPerEmail: { max: 3, windowMs: 15 * 60_000 },
  passwordResetPerIp: { max: 30, windowMs: 15 * 60_000 },
  verificationResendPerUser: { max: 3, windowMs: 15 * 60_000 },
};

/** Outbox timing: poll every 5 s; retries after 1 s, 2 s, 4 s … at most 15 min apart (a mail is never dropped). */
export const DEFAULT_MAIL_TIMING = { pollIntervalMs: 5_000, retryBaseMs: 1_000, retryMaxMs: 15 * 60_000 } as const;

export const DEFAULT_MAIL_FROM = 'Authstack <no-reply@localhost>';

export const DEFAULT_AUTH_EVENT_RETENTION_MS = 90 * 24 * 3_600_000;

export const DEFAULT_ISSUER = 'app-api';
export const DEFAULT_AUDIENCE = 'app-web';
