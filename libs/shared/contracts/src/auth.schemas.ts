import * as z from 'zod';
import { isCommonPassword } from './common-passwords';

/** UTF-8 byte length; bcrypt reads at most 72 bytes, so longer passwords are refused, never truncated. */
export function utf8ByteLength(value: string): number {
  return new TextEncoder().encode(value).length;
}

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_BYTES = 72;
export const EMAIL_MAX_LENGTH = 254;

export const PasswordMessages = {
  required: 'Password is required',
  tooShort: `Password must be at least ${PASSWORD_MIN_LENGTH} characters`,
  tooLong: `Password must be at most ${PASSWORD_MAX_BYTES} bytes (accented letters and emoji count as more than one)`,
  lower: 'Password must contain a lower-case letter',
  upper: 'Password must contain an upper-case letter',
  digit: 'Password must contain a digit',
  symbol: 'Password must contain a symbol',
  common: 'This password is too common; choose another',
  invalidCharacter: 'Password contains an invalid character',
} as const;

/**
 * An unpaired surrogate is not text: encoded as UTF-8 (as bcrypt receives it) every one becomes
 * U+FFFD, so two different passwords would hash alike. Refused at signup and at login.
 */
const hasUnpairedSurrogate = (value: string) => /\p{Cs}/u.test(value);

/** Email: trimmed and lower-cased before use, so uniqueness is case-insensitive. */
export const Email = z
  .string({ error: 'Email is required' })
  .trim()
  .toLowerCase()
  .min(1, 'Email is required')
  .max(EMAIL_MAX_LENGTH, `Email must be at most ${EMAIL_MAX_LENGTH} characters`)
  .pipe(z.email({ error: 'Enter a valid email address' }));

/**
 * The password policy, used as-is by the server and by the browser forms so that
 * both show the same messages. Every failed rule is reported, not only the first.
 */
export const Password = z
  .string({ error: PasswordMessages.required })
  .min(1, PasswordMessages.required)
  .superRefine((value, ctx) => {
    if (value.length === 0) return;
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
    if ([...value].length < PASSWORD_MIN_LENGTH) issue(PasswordMessages.tooShort);
    if (utf8ByteLength(value) > PASSWORD_MAX_BYTES) issue(PasswordMessages.tooLong);
    if (!/\p{Ll}/u.test(value)) issue(PasswordMessages.lower);
    if (!/\p{Lu}/u.test(value)) issue(PasswordMessages.upper);
    if (!/\p{Nd}/u.test(value)) issue(PasswordMessages.digit);
    if (!/[^\p{L}\p{N}]/u.test(value)) issue(PasswordMessages.symbol);
    if (isCommonPassword(value)) issue(PasswordMessages.common);
    if (hasUnpairedSurrogate(value)) issue(PasswordMessages.invalidCharacter);
  });

export const Role = z.enum(['user', 'admin']);
export type Role = z.infer<typeof Role>;

export const User = z.object({
  id: z.string(),
  email: z.string(),
  role: Role,
  /** True once the owner opened a verification (or password reset) link sent to this address. */
  emailVerified: z.boolean(),
});
export type User = z.infer<typeof User>;

export const SignupInput = z.strictObject({ email: Email, password: Password });
export type SignupInput = z.input<typeof SignupInput>;

/**
 * A password the user already has (at login, or as the current password when changing it): only
 * presence and bcrypt's byte limit are checked. An old account's password may predate today's
 * policy, and the answer must not reveal which rule failed.
 */
export function existingPassword(requiredMessage: string = PasswordMessages.required) {
  return z
    .string({ error: requiredMessage })
    .min(1, requiredMessage)
    .refine((v) => utf8ByteLength(v) <= PASSWORD_MAX_BYTES, PasswordMessages.tooLong)
    .refine((v) => !hasUnpairedSurrogate(v), PasswordMessages.invalidCharacter);
}

export const LoginInput = z.strictObject({ email: Email, password: existingPassword() });
export type LoginInput = z.input<typeof LoginInput>;

/** `<sessionId>.<secret>`: an opaque token, never a JWT. */
const RefreshToken = z
  .string()
  .min(1, 'Refresh token is required')
  .max(200, 'Refresh token is malformed');

export const RefreshInput = z
  .strictObject({ refreshToken: RefreshToken.optional() })
  .optional();
export type RefreshInput = z.input<typeof RefreshInput>;

export const LogoutInput = z
  .strictObject({
    allDevices: z.boolean().optional(),
    /**
     * The session's refresh token, which bearer clients (not browsers) send so that the server
     * can end the session by it when the access token cannot (expired, missing). A browser's
     * refresh cookie does the same and is used only when this is absent.
     */
    refreshToken: RefreshToken.optional(),
  })
  .optional();
export type LogoutInput = z.input<typeof LogoutInput>;

/**
 * The answer of signup, login and refresh. A browser gets its tokens only as httpOnly cookies, so
 * its answer has no token fields; every other client gets both (see `BearerAuthResult`).
 */
export const AuthResult = z.object({
  user: User,
  accessToken: z.string().optional(),
  /** ISO 8601 */
  accessTokenExpiresAt: z.string(),
  refreshToken: z.string().optional(),
  /** ISO 8601: the session's absolute expiry, which rotation never extends. */
  refreshTokenExpiresAt: z.string(),
});
export type AuthResult = z.infer<typeof AuthResult>;

/** The answer a bearer client (not a browser) gets: both tokens are there. */
export const BearerAuthResult = AuthResult.required({ accessToken: true, refreshToken: true });
export type BearerAuthResult = z.infer<typeof BearerAuthResult>;

export const Session = z.object({
  id: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
  expiresAt: z.string(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  current: z.boolean(),
});
export type Session = z.infer<typeof Session>;

export const SessionList = z.array(Session);

/** A UUID as the server writes one (lower-case hex), e.g. a user or session id. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const SessionIdInput = z.strictObject({ sessionId: z.uuid({ error: 'Session id must be a UUID' }) });
export type SessionIdInput = z.input<typeof SessionIdInput>;

export const OkResult = z.object({ ok: z.literal(true) });
export type OkResult = z.infer<typeof OkResult>;
