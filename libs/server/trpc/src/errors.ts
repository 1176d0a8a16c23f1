import { AppErrorCode, ErrorMessages } from '@app/contracts';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';

/** A TRPCError that carries a stable `appCode` for clients (see contracts' AppErrorCode). */
export class AppError extends TRPCError {
  readonly appCode: AppErrorCode;
  constructor(code: TRPC_ERROR_CODE_KEY, appCode: AppErrorCode, message: string, cause?: unknown) {
    super({ code, message, cause });
    this.appCode = appCode;
  }
}

// Domain errors: services throw these; the error middleware in trpc.ts translates them.

export class InvalidCredentialsError extends Error {
  constructor() {
    super(ErrorMessages.invalidCredentials);
  }
}

export class EmailTakenError extends Error {
  constructor() {
    super(ErrorMessages.emailTaken);
  }
}

/** The refresh token is unknown, expired, revoked, or was reused after the grace window. */
export class RefreshRejectedError extends Error {
  constructor(readonly reason: 'malformed' | 'unknown' | 'expired' | 'revoked' | 'reused' | 'mismatch') {
    super(ErrorMessages.refreshInvalid);
  }
}

export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(ErrorMessages.rateLimited);
  }
}

export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
  }
}

export class LastAdminError extends Error {
  constructor() {
    super('The last admin cannot be demoted; promote another admin first');
  }
}

export const defaultAppCode: Partial<Record<TRPC_ERROR_CODE_KEY, AppErrorCode>> = {
  BAD_REQUEST: AppErrorCode.InvalidInput,
  PARSE_ERROR: AppErrorCode.InvalidInput,
  UNAUTHORIZED: AppErrorCode.Unauthenticated,
  FORBIDDEN: AppErrorCode.Forbidden,
  NOT_FOUND: AppErrorCode.NotFound,
  CONFLICT: AppErrorCode.EmailTaken,
  TOO_MANY_REQUESTS: AppErrorCode.RateLimited,
  PAYLOAD_TOO_LARGE: AppErrorCode.PayloadTooLarge,
  UNSUPPORTED_MEDIA_TYPE: AppErrorCode.UnsupportedMediaType,
  SERVICE_UNAVAILABLE: AppErrorCode.DatabaseUnavailable,
  METHOD_NOT_SUPPORTED: AppErrorCode.InvalidInput,
};
