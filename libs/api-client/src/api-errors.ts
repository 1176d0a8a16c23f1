import { AppErrorCode, ErrorMessages } from '@app/contracts';
import type { AppRouter } from '@app/server-trpc/types';
import { isTRPCClientError, TRPCClientError } from '@trpc/client';

/**
 * Every failed call rejects with this: a `TRPCClientError` typed by the API, whose `data`
 * carries the tRPC `code`, the `httpStatus`, the stable `appCode` and, for bad input, `zodError`.
 * A request that never got an answer (network down, timeout) has no `data`.
 * @see https://trpc.io/docs/client/vanilla/error-handling
 */
export type ApiClientError = TRPCClientError<AppRouter>;

/**
 * True for any error a client call rejects with.
 * @see https://trpc.io/docs/client/vanilla/error-handling
 */
export function isApiClientError(error: unknown): error is ApiClientError {
  return isTRPCClientError<AppRouter>(error);
}

/** The stable code of an API error (`INVALID_CREDENTIALS`, `FORBIDDEN`, …), if the server sent one. */
export function appErrorCode(error: unknown): AppErrorCode | undefined {
  return isApiClientError(error) ? error.data?.appCode : undefined;
}

/** True when the server answered 401: not signed in, session ended, or a refresh was refused. */
export function isUnauthorized(error: unknown): boolean {
  return isApiClientError(error) && (error.data?.httpStatus === 401 || error.data?.code === 'UNAUTHORIZED');
}

/**
 * A 401 raised by the client itself, shaped like the server's, for calls that need a session
 * when there is none to refresh.
 */
export function notSignedInError(path: string): ApiClientError {
  return TRPCClientError.from<AppRouter>({
    error: {
      message: ErrorMessages.unauthenticated,
      code: -32001,
      data: { code: 'UNAUTHORIZED', httpStatus: 401, path, appCode: AppErrorCode.Unauthenticated, zodError: null },
    },
  });
}
