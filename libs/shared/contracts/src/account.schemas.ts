import * as z from 'zod';
import { Email, existingPassword, Password } from './auth.schemas';

/** Messages of the account forms (change password, forgot, reset, verify), shared by server and clients. */
export const AccountMessages = {
  currentPasswordRequired: 'Current password is required',
  samePassword: 'The new password must be different from the current one',
  tokenMissing: 'The link is incomplete: open the whole link from the email',
  tokenMalformed: 'The link is malformed: open the whole link from the email',
  /** The answer to "forgot password", whether or not the email has an account. */
  resetRequested: 'If an account exists for this email, a link to reset its password is on its way. Check your inbox.',
  passwordReset: 'Your password was changed and every session was signed out. Sign in with the new password.',
  verificationSent: 'A new verification link is on its way. Check your inbox.',
  emailVerified: 'Your email address is verified.',
} as const;

/**
 * The token of a reset or verification link, as it comes from the link. Only its length is
 * bounded here: a token that is well-formed but unknown, used or expired gets its own appCode
 * and message from the server (RESET_TOKEN_* / VERIFICATION_TOKEN_*).
 */
export const LinkToken = z
  .string({ error: AccountMessages.tokenMissing })
  .trim()
  .min(1, AccountMessages.tokenMissing)
  .max(200, AccountMessages.tokenMalformed);

/**
 * `auth.changePassword`. A wrong `currentPassword` is a 400 with a field error on
 * `currentPassword` (appCode CURRENT_PASSWORD_INCORRECT), never a 401. The answer is a new
 * session for this device (the old one ends, so a copied token of it is worthless); with
 * `signOutOtherDevices` (the default) every other session of the user ends too.
 */
export const ChangePasswordInput = z
  .strictObject({
    currentPassword: existingPassword(AccountMessages.currentPasswordRequired),
    newPassword: Password,
    signOutOtherDevices: z.boolean({ error: 'signOutOtherDevices must be true or false' }).default(true),
  })
  .refine((input) => input.newPassword !== input.currentPassword, { path: ['newPassword'], message: AccountMessages.samePassword });
export type ChangePasswordInput = z.input<typeof ChangePasswordInput>;

/** `auth.requestPasswordReset`: the same answer (`{ ok: true }`) for every email. */
export const RequestPasswordResetInput = z.strictObject({ email: Email });
export type RequestPasswordResetInput = z.input<typeof RequestPasswordResetInput>;

/** `auth.resetPassword`: the token from `<APP_URL>/reset-password?token=…` and the new password (the shared policy). */
export const ResetPasswordInput = z.strictObject({ token: LinkToken, newPassword: Password });
export type ResetPasswordInput = z.input<typeof ResetPasswordInput>;

/** `auth.verifyEmail`: the token from `<APP_URL>/verify-email?token=…`. */
export const VerifyEmailInput = z.strictObject({ token: LinkToken });
export type VerifyEmailInput = z.input<typeof VerifyEmailInput>;

/**
 * `auth.resendVerification` takes nothing (an empty object is accepted too). Declared so that a
 * body that is not JSON, or any other value, is refused (400) rather than ignored.
 */
export const ResendVerificationInput = z.strictObject({}).optional();
export type ResendVerificationInput = z.input<typeof ResendVerificationInput>;
