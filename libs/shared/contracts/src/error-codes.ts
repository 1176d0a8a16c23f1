/**
 * Stable, machine-readable error codes added to every tRPC error as `error.data.appCode`,
 * so clients can branch without parsing messages.
 */
export const AppErrorCode = {
  InvalidInput: 'INVALID_INPUT',
  InvalidCredentials: 'INVALID_CREDENTIALS',
  Unauthenticated: 'UNAUTHENTICATED',
  SessionRevoked: 'SESSION_REVOKED',
  RefreshInvalid: 'REFRESH_INVALID',
  Forbidden: 'FORBIDDEN',
  CrossSiteRequest: 'CROSS_SITE_REQUEST',
  NotFound: 'NOT_FOUND',
  EmailTaken: 'EMAIL_TAKEN',
  RateLimited: 'RATE_LIMITED',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  DatabaseUnavailable: 'DATABASE_UNAVAILABLE',
  Internal: 'INTERNAL',
} as const;
export type AppErrorCode = (typeof AppErrorCode)[keyof typeof AppErrorCode];

/** Messages shared by server and clients. */
export const ErrorMessages = {
  invalidCredentials: 'Invalid email or password',
  unauthenticated: 'You are not signed in or your session has expired',
  refreshInvalid: 'Your session has ended; sign in again',
  forbidden: 'You are not allowed to do this',
  crossSite: 'Cross-site request refused',
  emailTaken: 'An account with this email already exists',
  rateLimited: 'Too many attempts; try again later',
  dbUnavailable: 'The database is unavailable; try again shortly',
  internal: 'Something went wrong on our side',
} as const;

/**
 * The calls that start or renew a session from credentials the caller sends. A 401 from one of
 * them is an answer (wrong password, refused token), never a reason to refresh and retry.
 */
export const SESSION_STARTING_CALLS: ReadonlySet<string> = new Set(['auth.login', 'auth.signup', 'auth.refresh']);

/** Cookie names and paths, shared by the server and the browser tests. */
export const AUTH_COOKIES = {
  access: 'access_token',
  refresh: 'refresh_token',
  refreshPath: '/trpc/auth.refresh',
} as const;
