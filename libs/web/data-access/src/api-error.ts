import { TRPCClientError } from '@trpc/client';
import type { HttpErrorMeta } from './angular-http-link';

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
  /** How long the server asked the client to wait (`Retry-After`), in seconds. */
  readonly retryAfterSeconds: number | null;
}

interface ErrorData {
  httpStatus?: number;
  appCode?: string;
  zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null;
}

/**
 * "in 40 seconds", "in 1 minute", "in 15 minutes (at 14:32)": when a rate-limited user may try
 * again, from the server's `Retry-After`. Minutes are rounded up, so the user is never early.
 */
export function describeRetryAfter(seconds: number, now: Date = new Date()): string {
  if (seconds < 60) return `in ${Math.max(1, Math.ceil(seconds))} second${Math.ceil(seconds) === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  const relative = `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  if (minutes < 2) return relative;
  // The clock time is rounded up to the minute too: trying at the time shown always works.
  const at = new Date(Math.ceil((now.getTime() + seconds * 1000) / 60_000) * 60_000);
  const clock = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return `${relative} (at ${clock})`;
}

/** The server says "try again later"; with a `Retry-After` the user is told when. */
function rateLimitedMessage(retryAfterSeconds: number | null): string {
  return retryAfterSeconds === null
    ? 'Too many attempts; wait a while before trying again.'
    : `Too many attempts; try again ${describeRetryAfter(retryAfterSeconds)}.`;
}

/** Reads a failed tRPC call (or anything thrown) into an {@link ApiError}. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as ErrorData;
    const meta = (error.meta ?? {}) as Partial<HttpErrorMeta>;
    const fieldErrors: Record<string, readonly string[]> = {};
    for (const [field, messages] of Object.entries(data.zodError?.fieldErrors ?? {})) {
      if (messages?.length) fieldErrors[field] = messages;
    }
    const status = data.httpStatus ?? (typeof meta.status === 'number' ? meta.status : null);
    const retryAfterSeconds = typeof meta.retryAfterSeconds === 'number' ? meta.retryAfterSeconds : null;
    return {
      status,
      appCode: data.appCode ?? null,
      message: status === 429 ? rateLimitedMessage(retryAfterSeconds) : error.message || 'Something went wrong',
      fieldErrors,
      retryAfterSeconds,
    };
  }
  return {
    status: null,
    appCode: null,
    message: error instanceof Error ? error.message : 'Something went wrong',
    fieldErrors: {},
    retryAfterSeconds: null,
  };
}

/** True when the server said the session is over (401): not a network blip or an outage. */
export function isSessionEndedError(error: unknown): boolean {
  return toApiError(error).status === 401;
}

/**
 * True when trying again later may work: no answer (offline, server down, timeout), 408, 429
 * or a 5xx. False for an answer that will not change (400, 403, 404, …).
 */
export function isTransientError(error: unknown): boolean {
  const { status } = toApiError(error);
  return status === null || status === 0 || status === 408 || status === 429 || status >= 500;
}
