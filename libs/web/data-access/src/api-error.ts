import { TRPCClientError } from '@trpc/client';

/** What the UI needs to know about a failed call. */
export interface ApiError {
  /** HTTP status; 0 when the server could not be reached; null when unknown. */
  readonly status: number | null;
  /** The server's stable code (contracts' AppErrorCode), when it answered one. */
  readonly appCode: string | null;
  /** A message fit to show: the server's own (the same text its schemas produce), or a generic one. */
  readonly message: string;
  /** Messages per input field, from the server's zod validation. */
  readonly fieldErrors: Readonly<Record<string, readonly string[]>>;
}

interface ErrorData {
  httpStatus?: number;
  appCode?: string;
  zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null;
}

/** Reads a failed tRPC call (or anything thrown) into an {@link ApiError}. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as ErrorData;
    const metaStatus = (error.meta as { status?: unknown } | undefined)?.status;
    const fieldErrors: Record<string, readonly string[]> = {};
    for (const [field, messages] of Object.entries(data.zodError?.fieldErrors ?? {})) {
      if (messages?.length) fieldErrors[field] = messages;
    }
    return {
      status: data.httpStatus ?? (typeof metaStatus === 'number' ? metaStatus : null),
      appCode: data.appCode ?? null,
      message: error.message || 'Something went wrong',
      fieldErrors,
    };
  }
  return { status: null, appCode: null, message: error instanceof Error ? error.message : 'Something went wrong', fieldErrors: {} };
}

/** True when the server said the session is over (401): not a network blip or an outage. */
export function isSessionEndedError(error: unknown): boolean {
  return toApiError(error).status === 401;
}
