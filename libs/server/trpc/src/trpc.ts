import { AppErrorCode, ErrorMessages } from '@app/contracts';
import {
  EmailAlreadyVerifiedError,
  EmailTakenError,
  InvalidCredentialsError,
  InvalidCursorError,
  LastAdminError,
  LinkTokenError,
  NotFoundError,
  RateLimitedError,
  RefreshRejectedError,
  SessionEndedError,
  WrongCurrentPasswordError,
  type Principal,
} from '@app/server-core';
import { isDatabaseUnavailable } from '@app/server-data-access';
import { getTRPCErrorFromUnknown, initTRPC, type TRPCError } from '@trpc/server';
import { z, ZodError } from 'zod';
import type { Context } from './context';
import { AppError, defaultAppCode } from './app-error';
import { observeProcedure } from './observe';

/** One readable line from a zod error: "email: Enter a valid email address; password: …". */
function summarize(error: ZodError): string {
  const parts = error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  return [...new Set(parts)].join('; ');
}

/**
 * The only initTRPC call. Errors carry `appCode` (stable) and, for invalid input, `zodError`
 * (field errors); internal errors carry no detail and never a stack.
 * @see https://trpc.io/docs/server/error-formatting
 */
const t = initTRPC.context<Context>().create({
  isDev: false,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    const appCode = error instanceof AppError ? error.appCode : (defaultAppCode[error.code] ?? AppErrorCode.Internal);
    const domainFieldErrors = error instanceof AppError ? error.fieldErrors : undefined;
    let message = shape.message;
    if (zodError) message = summarize(zodError);
    if (domainFieldErrors) message = Object.entries(domainFieldErrors).map(([field, messages]) => `${field}: ${messages.join('; ')}`).join('; ');
    if (error.code === 'INTERNAL_SERVER_ERROR') message = ErrorMessages.internal;
    const { stack: _stack, ...data } = shape.data;
    const fieldErrors = zodError ? z.flattenError(zodError) : domainFieldErrors ? { formErrors: [], fieldErrors: domainFieldErrors } : null;
    return {
      ...shape,
      message,
      data: { ...data, appCode, zodError: fieldErrors },
    };
  },
});

/**
 * The HTTP meaning of a domain error or a database outage (undefined: keep the error as it is).
 * Sets Retry-After where the answer has one.
 */
function mappedError(ctx: Context, error: TRPCError): AppError | undefined {
  const cause = error.cause;
  if (cause instanceof RateLimitedError) {
    ctx.res?.setHeader('Retry-After', String(cause.retryAfterSeconds));
    return new AppError('TOO_MANY_REQUESTS', AppErrorCode.RateLimited, cause.message, cause);
  }
  if (cause instanceof InvalidCredentialsError) return new AppError('UNAUTHORIZED', AppErrorCode.InvalidCredentials, cause.message, cause);
  if (cause instanceof RefreshRejectedError) return new AppError('UNAUTHORIZED', AppErrorCode.RefreshInvalid, cause.message, cause);
  if (cause instanceof EmailTakenError) return new AppError('CONFLICT', AppErrorCode.EmailTaken, cause.message, cause);
  if (cause instanceof NotFoundError) return new AppError('NOT_FOUND', AppErrorCode.NotFound, cause.message, cause);
  if (cause instanceof InvalidCursorError) return new AppError('BAD_REQUEST', AppErrorCode.InvalidInput, cause.message, cause);
  if (cause instanceof LastAdminError) return new AppError('BAD_REQUEST', AppErrorCode.InvalidInput, cause.message, cause);
  if (cause instanceof WrongCurrentPasswordError) {
    // 400 with a field error, never 401: a 401 would make clients refresh and retry.
    return new AppError('BAD_REQUEST', AppErrorCode.CurrentPasswordIncorrect, cause.message, cause, { currentPassword: [cause.message] });
  }
  if (cause instanceof SessionEndedError) return new AppError('UNAUTHORIZED', AppErrorCode.SessionRevoked, cause.message, cause);
  // A link that does not work is bad input (400), with the reason in appCode and the next step in the message.
  if (cause instanceof LinkTokenError) return new AppError('BAD_REQUEST', cause.appCode, cause.message, cause);
  if (cause instanceof EmailAlreadyVerifiedError) return new AppError('CONFLICT', AppErrorCode.EmailAlreadyVerified, cause.message, cause);
  if (error.code === 'INTERNAL_SERVER_ERROR' && isDatabaseUnavailable(cause)) {
    ctx.res?.setHeader('Retry-After', '5');
    return new AppError('SERVICE_UNAVAILABLE', AppErrorCode.DatabaseUnavailable, ErrorMessages.dbUnavailable, cause);
  }
  return undefined;
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** A call refused before it ran (no token, wrong role, a limit, the database down…), as the observer sees it. */
interface Refused {
  readonly ok: false;
  readonly error: TRPCError;
  readonly refused: true;
}

const refused = (error: TRPCError): Refused => ({ ok: false, error, refused: true });

/**
 * Runs a call inside the observer (metrics and the procedure's span, see observe.ts), its domain
 * errors given their HTTP meaning first, so telemetry counts the status the client gets. A
 * refusal the call returns is counted too, then thrown for tRPC to answer. The call is counted in
 * flight until it ends, even if its client hangs up meanwhile: shutdown waits for it.
 */
async function observedCall<R extends { ok: true } | { ok: false; error: TRPCError }>(
  ctx: Context,
  call: { path: string; type: string },
  run: () => Promise<R | Refused>,
): Promise<R> {
  const observed = observeProcedure(ctx.services.telemetry, call, async () => {
    const outcome = await run();
    if (outcome.ok) return outcome;
    const error = mappedError(ctx, outcome.error);
    return error ? { ...outcome, error } : outcome;
  });
  ctx.services.callsInFlight.track(observed);
  const result = await observed;
  if ('refused' in result) throw result.error;
  return result;
}

/**
 * The only middleware of a public procedure: each tRPC middleware copies the call's options and
 * context again, on every call, so observing and error mapping are one.
 */
export const publicProcedure = t.procedure.use(({ ctx, path, type, next }) => observedCall(ctx, { path, type }, () => next()));

/** Who may call: any signed-in user (verified or not), a verified one when verification is required, or an admin. */
type Access = 'signed-in' | 'verified' | 'admin';

/**
 * The caller, if a valid access token of a live session may make this call. Mutations are limited
 * per user (RATE_LIMIT_WRITES_PER_USER, each call of a batch counts; reads never): one stolen or
 * runaway token cannot write without bound. With REQUIRE_EMAIL_VERIFICATION an unverified address
 * gets 403 EMAIL_NOT_VERIFIED, and a non-admin 403 FORBIDDEN where admins only may call: never
 * 401, which would make the client refresh.
 */
async function caller(ctx: Context, type: string, access: Access): Promise<Principal | Refused> {
  if (!ctx.accessToken) return refused(new AppError('UNAUTHORIZED', AppErrorCode.Unauthenticated, ErrorMessages.unauthenticated));
  const result = await ctx.services.auth.authenticate(ctx.accessToken);
  if (!result.ok) {
    const appCode = result.reason === 'revoked' ? AppErrorCode.SessionRevoked : AppErrorCode.Unauthenticated;
    return refused(new AppError('UNAUTHORIZED', appCode, ErrorMessages.unauthenticated));
  }
  const user = result.principal;
  if (type === 'mutation') await ctx.services.limiter.consume(`writes-user:${user.id}`, ctx.services.config.rateLimits.writesPerUser);
  if (access !== 'signed-in' && ctx.services.config.requireEmailVerification && !user.emailVerified) {
    return refused(new AppError('FORBIDDEN', AppErrorCode.EmailNotVerified, ErrorMessages.emailNotVerified));
  }
  if (access === 'admin' && user.role !== 'admin') return refused(new AppError('FORBIDDEN', AppErrorCode.Forbidden, ErrorMessages.forbidden));
  return user;
}

/**
 * A procedure for callers with `access`; `ctx.user` is non-null in it. Observing, error mapping
 * and the access check are one middleware, for the reason above.
 */
function procedureFor(access: Access) {
  return t.procedure.use(({ ctx, path, type, next }) =>
    observedCall(ctx, { path, type }, async () => {
      // What the check throws (a rate limit, the database down) is refused and mapped like a refusal.
      const user = await caller(ctx, type, access).catch((cause: unknown) => refused(getTRPCErrorFromUnknown(cause)));
      return 'refused' in user ? user : next({ ctx: { user } });
    }),
  );
}

/** Signed in, verified address or not: only for what an unverified account may always do (read itself, ask for a new link). `auth.logout` is public, so signing out is never limited. */
export const signedInProcedure = procedureFor('signed-in');

/** Signed in and, when REQUIRE_EMAIL_VERIFICATION is on, with a verified address. */
export const protectedProcedure = procedureFor('verified');

/** Signed in, verified as above, *and* an admin. */
export const adminProcedure = procedureFor('admin');
