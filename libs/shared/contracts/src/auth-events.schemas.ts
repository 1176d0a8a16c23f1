import * as z from 'zod';
import { Cursor, PageLimit, pageOf } from './pagination.schemas';

/** What happened to an account. Never carries a password or a token. */
export const AuthEventType = z.enum([
  'signed_up',
  'signed_in',
  /** A wrong password for this account (attempts for unknown emails belong to no account's list). */
  'sign_in_failed',
  'signed_out',
  'session_revoked',
  /** An old refresh token was presented again: the session was ended as stolen. */
  'refresh_reuse_detected',
  'password_changed',
  /** A reset link was sent to the account's address. */
  'password_reset_requested',
  'password_reset',
  'email_verified',
  'role_changed',
]);
export type AuthEventType = z.infer<typeof AuthEventType>;

/** Labels for the account page's "recent activity". */
export const AUTH_EVENT_LABELS: Record<AuthEventType, string> = {
  signed_up: 'Account created',
  signed_in: 'Signed in',
  sign_in_failed: 'Failed sign-in (wrong password)',
  signed_out: 'Signed out',
  session_revoked: 'Session ended',
  refresh_reuse_detected: 'Session ended: a stolen session token was detected',
  password_changed: 'Password changed',
  password_reset_requested: 'Password reset link sent',
  password_reset: 'Password reset',
  email_verified: 'Email address verified',
  role_changed: 'Role changed',
};

export const AuthEvent = z.object({
  /** Opaque and increasing; newer events have larger ids. */
  id: z.string(),
  type: AuthEventType,
  /** ISO 8601 */
  createdAt: z.string(),
  /** Of the request that caused it (for `role_changed`, the admin's). */
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  /**
   * A few facts about the event, by type: `sessionId` (signed_in, signed_out, session_revoked,
   * refresh_reuse_detected), `allDevices` (signed_out), `from`/`to` (role_changed),
   * `otherSessionsEnded` (password_changed, password_reset).
   */
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type AuthEvent = z.infer<typeof AuthEvent>;

export const AuthEventsPage = pageOf(AuthEvent);
export type AuthEventsPage = z.infer<typeof AuthEventsPage>;

/** `auth.events`: the caller's own events, newest first. */
export const AuthEventsInput = z.strictObject({ cursor: Cursor.optional(), limit: PageLimit }).default({ limit: 20 });
export type AuthEventsInput = z.input<typeof AuthEventsInput>;

/** `users.events` (admins): one user's events, newest first. */
export const UserEventsInput = z.strictObject({
  userId: z.uuid({ error: 'User id must be a UUID' }),
  cursor: Cursor.optional(),
  limit: PageLimit,
});
export type UserEventsInput = z.input<typeof UserEventsInput>;
