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
} from '@app/server-core';
import { isDatabaseUnavailable } from '@app/server-data-access';
import { initTRPC } from '@trpc/server';
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

/** Translates domain errors and database outages into their HTTP meaning. */
const errorMapping = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof RateLimitedError) {
    ctx.res?.setHeader('Retry-After', String(cause.retryAfterSeconds));
    throw new AppError('TOO_MANY_REQUESTS', AppErrorCode.RateLimited, cause.message, cause);
  }
  if (cause instanceof InvalidCredentialsError) throw new AppError('UNAUTHORIZED', AppErrorCode.InvalidCredentials, cause.message, cause);
  if (cause instanceof RefreshRejectedError) throw new AppError('UNAUTHORIZED', AppErrorCode.RefreshInvalid, cause.message, cause);
  if (cause instanceof EmailTakenError) throw new AppError('CONFLICT', AppErrorCode.EmailTaken, cause.message, cause);
  if (cause instanceof NotFoundError) throw new AppError('NOT_FOUND', AppErrorCode.NotFound, cause.message, cause);
  if (cause instanceof InvalidCursorError) throw new AppError('BAD_REQUEST', AppErrorCode.InvalidInput, cause.message, cause);
  if (cause instanceof LastAdminError) throw new AppError('BAD_REQUEST', AppErrorCode.InvalidInput, cause.message, cause);
  if (cause instanceof WrongCurrentPasswordError) {
    // 400 with a field error, never 401: a 401 would make clients refresh and retry.
    throw new AppError('BAD_REQUEST', AppErrorCode.CurrentPasswordIncorrect, cause.message, cause, { currentPassword: [cause.message] });
  }
  if (cause instanceof SessionEndedError) throw new AppError('UNAUTHORIZED', AppErrorCode.SessionRevoked, cause.message, cause);
  // A link that does not work is bad input (400), with the reason in appCode and the next step in the message.
  if (cause instanceof LinkTokenError) throw new AppError('BAD_REQUEST', cause.appCode, cause.message, cause);
  if (cause instanceof EmailAlreadyVerifiedError) throw new AppError('CONFLICT', AppErrorCode.EmailAlreadyVerified, cause.message, cause);
  if (result.error.code === 'INTERNAL_SERVER_ERROR' && isDatabaseUnavailable(cause)) {
    ctx.res?.setHeader('Retry-After', '5');
    throw new AppError('SERVICE_UNAVAILABLE', AppErrorCode.DatabaseUnavailable, ErrorMessages.dbUnavailable, cause);
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Metrics and the procedure's span around everything else (see observe.ts). */
const observed = t.middleware(({ ctx, path, type, next }) => observeProcedure(ctx.services.telemetry, { path, type }, next));

export const publicProcedure = t.procedure.use(observed).use(errorMapping);

/**
 * A valid access token of a live session, verified address or not; `ctx.user` is non-null from
 * here on. Used alone only for what an unverified account may always do (read itself, ask for a
 * new link). Its mutations are limited per user (RATE_LIMIT_WRITES_PER_USER): one stolen or
 * runaway token cannot write without bound. `auth.logout` is a public procedure, so signing out
 * is never limited.
 */
export const signedInProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (!ctx.accessToken) throw new AppError('UNAUTHORIZED', AppErrorCode.Unauthenticated, ErrorMessages.unauthenticated);
  const result = await ctx.services.auth.authenticate(ctx.accessToken);
  if (!result.ok) {
    const appCode = result.reason === 'revoked' ? AppErrorCode.SessionRevoked : AppErrorCode.Unauthenticated;
    throw new AppError('UNAUTHORIZED', appCode, ErrorMessages.unauthenticated);
  }
  return next({ ctx: { user: result.principal } });
}).use(async ({ ctx, type, next }) => {
  // Each call counts, also inside a batch (this runs once per call); reads are never limited.
  if (type === 'mutation') await ctx.services.limiter.consume(`writes-user:${ctx.user.id}`, ctx.services.config.rateLimits.writesPerUser);
  return next();
});

/**
 * Signed in and, when REQUIRE_EMAIL_VERIFICATION is on, with a verified address (else 403
 * EMAIL_NOT_VERIFIED: never 401, which would make the client refresh).
 */
export const protectedProcedure = signedInProcedure.use(({ ctx, next }) => {
  if (ctx.services.config.requireEmailVerification && !ctx.user.emailVerified) {
    throw new AppError('FORBIDDEN', AppErrorCode.EmailNotVerified, ErrorMessages.emailNotVerified);
  }
  return next();
});

/** Signed in *and* an admin. A role failure is 403, never 401: 401 would set off a refresh. */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin') throw new AppError('FORBIDDEN', AppErrorCode.Forbidden, ErrorMessages.forbidden);
  return next();
});
