import {
  AppErrorCode,
  AuthEventsInput,
  AuthEventsPage,
  AuthResult,
  type BearerAuthResult,
  ChangePasswordInput,
  ErrorMessages,
  LoginInput,
  LogoutInput,
  OkResult,
  RefreshInput,
  RequestPasswordResetInput,
  ResendVerificationInput,
  ResetPasswordInput,
  SessionIdInput,
  SessionList,
  SignupInput,
  User,
  VerifyEmailInput,
} from '@app/contracts';
import { RefreshRejectedError } from '@app/server-core';
import { AppError } from '../app-error';
import { checkedOutput } from '../checked-output';
import type { Context } from '../context';
import { protectedProcedure, publicProcedure, router, signedInProcedure } from '../trpc';

/** The answer of a call that only succeeds or fails. */
const OK: OkResult = Object.freeze({ ok: true as const });

/**
 * Sets the session cookies and answers. A browser gets its tokens only as httpOnly cookies:
 * script on the page never sees a token, so XSS cannot carry one away.
 */
function deliver(ctx: Context, result: BearerAuthResult): AuthResult {
  ctx.cookies.set(result);
  if (!ctx.isBrowser) return checkedOutput(AuthResult, result);
  const { accessToken: _access, refreshToken: _refresh, ...withoutTokens } = result;
  return checkedOutput(AuthResult, withoutTokens);
}

export const authRouter = router({
  signup: publicProcedure.input(SignupInput).mutation(async ({ ctx, input }) => {
    return deliver(ctx, await ctx.services.auth.signup(input, ctx.client));
  }),

  login: publicProcedure.input(LoginInput).mutation(async ({ ctx, input }) => {
    // The access token it sent (if any) vouches for a device already signed in to that account.
    return deliver(ctx, await ctx.services.auth.login(input, ctx.client, ctx.accessToken));
  }),

  refresh: publicProcedure.input(RefreshInput).mutation(async ({ ctx, input }) => {
    try {
      return deliver(ctx, await ctx.services.auth.refresh(input?.refreshToken ?? ctx.refreshCookie ?? undefined, ctx.client));
    } catch (error) {
      // Only a refused token ends the browser's session. A rate limit or a database outage is
      // transient: clearing the cookies then would sign the user out for nothing.
      if (error instanceof RefreshRejectedError) ctx.cookies.clear();
      throw error;
    }
  }),

  /**
   * Ends this session (or all of the user's) and clears the cookies; idempotent. When the access
   * token cannot do it (expired, missing), a genuine refresh token can: a bearer client sends its
   * own in the body, a browser's refresh cookie reaches this call under `/trpc/session/` (the body's
   * token, when there is one, is the one used). Otherwise an *expired* token is a 401 that keeps
   * the cookies, so the client can refresh and retry and the session really ends; a missing or
   * bogus token is a 401 that clears them.
   */
  logout: publicProcedure.input(LogoutInput).mutation(async ({ ctx, input }) => {
    const outcome = await ctx.services.auth.logout(
      { accessToken: ctx.accessToken, refreshToken: input?.refreshToken ?? ctx.refreshCookie },
      { allDevices: input?.allDevices ?? false },
      ctx.client,
    );
    if (outcome !== 'token-expired') ctx.cookies.clear();
    if (outcome !== 'signed-out') throw new AppError('UNAUTHORIZED', AppErrorCode.Unauthenticated, ErrorMessages.unauthenticated);
    return OK;
  }),

  me: signedInProcedure.query(({ ctx }) => checkedOutput(User, ctx.user)),

  /** A new session for this device replaces the caller's (cookies for a browser, tokens otherwise). */
  changePassword: protectedProcedure.input(ChangePasswordInput).mutation(async ({ ctx, input }) => {
    return deliver(ctx, await ctx.services.account.changePassword(ctx.user, input, ctx.client));
  }),

  /** The same answer whether or not an account has this email (see AccountLinksService). */
  requestPasswordReset: publicProcedure.input(RequestPasswordResetInput).mutation(async ({ ctx, input }) => {
    await ctx.services.accountLinks.requestPasswordReset(input.email, ctx.client);
    return OK;
  }),

  /** Sets the password from a mailed link and ends every session of the account. */
  resetPassword: publicProcedure.input(ResetPasswordInput).mutation(async ({ ctx, input }) => {
    await ctx.services.accountLinks.resetPassword(input, ctx.client);
    return OK;
  }),

  verifyEmail: publicProcedure.input(VerifyEmailInput).mutation(async ({ ctx, input }) => {
    await ctx.services.accountLinks.verifyEmail(input.token, ctx.client);
    return OK;
  }),

  resendVerification: signedInProcedure.input(ResendVerificationInput).mutation(async ({ ctx }) => {
    await ctx.services.accountLinks.resendVerification(ctx.user);
    return OK;
  }),

  /** The caller's own auth events, newest first. */
  events: protectedProcedure.input(AuthEventsInput).query(async ({ ctx, input }) => checkedOutput(AuthEventsPage, await ctx.services.authEvents.list(ctx.user.id, input))),

  sessions: protectedProcedure.query(async ({ ctx }) => checkedOutput(SessionList, await ctx.services.auth.sessions(ctx.user))),

  revokeSession: protectedProcedure.input(SessionIdInput).mutation(async ({ ctx, input }) => {
    await ctx.services.auth.revokeSession(ctx.user, input.sessionId, ctx.client);
    if (input.sessionId === ctx.user.sessionId) ctx.cookies.clear();
    return OK;
  }),
});
