import { AppErrorCode } from '@app/contracts';
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

/** The appCode of an error no domain error explains, by its tRPC code. */
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
