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
  /** changePassword: the current password is wrong (400, field error on `currentPassword`). */
  CurrentPasswordIncorrect: 'CURRENT_PASSWORD_INCORRECT',
  /** resetPassword: no such link (mistyped, truncated, or never issued). */
  ResetTokenInvalid: 'RESET_TOKEN_INVALID',
  /** resetPassword: the link was used already. */
  ResetTokenUsed: 'RESET_TOKEN_USED',
  /** resetPassword: the link is past its lifetime, or a newer link replaced it. */
  ResetTokenExpired: 'RESET_TOKEN_EXPIRED',
  VerificationTokenInvalid: 'VERIFICATION_TOKEN_INVALID',
  /** verifyEmail: past its lifetime, or a newer link replaced it. */
  VerificationTokenExpired: 'VERIFICATION_TOKEN_EXPIRED',
  /** REQUIRE_EMAIL_VERIFICATION is on and the caller's address is not verified yet (403). */
  EmailNotVerified: 'EMAIL_NOT_VERIFIED',
  /** resendVerification when there is nothing left to verify (409). */
  EmailAlreadyVerified: 'EMAIL_ALREADY_VERIFIED',
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
  currentPasswordIncorrect: 'Current password is incorrect',
  resetTokenInvalid: 'This password reset link is not valid. Check that you opened the whole link, or ask for a new one.',
  resetTokenUsed: 'This password reset link was already used. Sign in with your new password, or ask for a new link.',
  resetTokenExpired: 'This password reset link has expired. Ask for a new one.',
  resetTokenReplaced: 'This password reset link was replaced by a newer one. Use the link in the latest email, or ask for a new one.',
  verificationTokenInvalid: 'This verification link is not valid. Check that you opened the whole link, or ask for a new one.',
  verificationTokenExpired: 'This verification link has expired. Sign in and ask for a new one.',
  verificationTokenReplaced: 'This verification link was replaced by a newer one. Use the link in the latest email, or ask for a new one.',
  emailNotVerified: 'Verify your email address first: open the link we emailed you, or ask for a new one.',
  emailAlreadyVerified: 'Your email address is already verified.',
} as const;

/**
 * The calls that start or renew a session from credentials the caller sends. A 401 from one of
 * them is an answer (wrong password, refused token), never a reason to refresh and retry.
 */
export const SESSION_STARTING_CALLS: ReadonlySet<string> = new Set(['auth.login', 'auth.signup', 'auth.refresh']);

/**
 * Cookie names and paths, shared by the server and the browser tests. The prefixes are enforced
 * by browsers: a `__Host-` cookie must be Secure, Path=/ and without Domain, a `__Secure-` one
 * Secure, so a sibling subdomain (which can set cookies for the parent domain) can never plant or
 * shadow a session cookie of this host.
 * @see https://developer.mozilla.org/docs/Web/HTTP/Reference/Headers/Set-Cookie#cookie_prefixes
 */
export const AUTH_COOKIES = {
  access: '__Host-access_token',
  refresh: '__Secure-refresh_token',
  /** The refresh cookie is sent only under this path: to the two calls that need it (see REFRESH_COOKIE_CALLS). */
  refreshPath: '/trpc/session',
} as const;

/**
 * The names without the Secure attribute (COOKIE_SECURE=false: plain-http development on a host
 * other than localhost), where browsers refuse prefixed names. The server then reads only these.
 */
export const PLAIN_AUTH_COOKIES = {
  access: 'access_token',
  refresh: 'refresh_token',
  refreshPath: AUTH_COOKIES.refreshPath,
} as const;

export type AuthCookieNames = typeof AUTH_COOKIES | typeof PLAIN_AUTH_COOKIES;

/** The cookie names the server sets and reads, by whether its cookies are Secure. */
export function authCookieNames(secure: boolean): AuthCookieNames {
  return secure ? AUTH_COOKIES : PLAIN_AUTH_COOKIES;
}

/**
 * The calls that use the refresh cookie. A browser sends them under `AUTH_COOKIES.refreshPath`
 * (`/trpc/session/auth.refresh`, `/trpc/session/auth.logout`), the only paths the cookie covers:
 * so a sign-out can end the session even when the access token has expired.
 */
export const REFRESH_COOKIE_CALLS: ReadonlySet<string> = new Set(['auth.refresh', 'auth.logout']);
