/** A fixed-window limit: at most `max` hits per `windowMs`. */
export interface RateLimitRule {
  max: number;
  windowMs: number;
}

export interface RateLimitConfig {
  /** Login attempts per email (failed or not; a success clears the count). Strict. */
  loginPerEmail: RateLimitRule;
  /** Per client IP; generous enough for an office behind one NAT. */
  loginPerIp: RateLimitRule;
  signupPerIp: RateLimitRule;
  refreshPerIp: RateLimitRule;
  /** Attempts to change the password per signed-in user (a success clears the count): guessing the current password with a stolen session. */
  passwordChangePerUser: RateLimitRule;
  /** Mutations per signed-in user, each call of a batch counted (signing out never is): one token cannot write without bound. */
  writesPerUser: RateLimitRule;
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
  /** Largest accepted request body, in bytes. */
  bodyLimitBytes: number;
  /** Built web app to serve on the same origin (optional). */
  webDir?: string;
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  loginPerEmail: { max: 5, windowMs: 15 * 60_000 },
  loginPerIp: { max: 100, windowMs: 5 * 60_000 },
  signupPerIp: { max: 100, windowMs: 5 * 60_000 },
  refreshPerIp: { max: 600, windowMs: 5 * 60_000 },
  passwordChangePerUser: { max: 5, windowMs: 15 * 60_000 },
  writesPerUser: { max: 120, windowMs: 60_000 },
};

export const DEFAULT_ISSUER = 'app-api';
export const DEFAULT_AUDIENCE = 'app-web';
