import { AppErrorCode } from '@app/contracts';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';

/** A TRPCError that carries a stable `appCode` for clients (see contracts' AppErrorCode). */
export class AppError extends TRPCError {
  readonly appCode: AppErrorCode;
  /**
   * A refusal that belongs to fields of the input (a wrong current password, say): the error
   * formatter reports them like a failed contract, in `zodError.fieldErrors`, so a form shows
   * each message under its field.
   */
  readonly fieldErrors: Record<string, string[]> | undefined;
  constructor(code: TRPC_ERROR_CODE_KEY, appCode: AppErrorCode, message: string, cause?: unknown, fieldErrors?: Record<string, string[]>) {
    super({ code, message, cause });
    this.appCode = appCode;
    this.fieldErrors = fieldErrors;
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

