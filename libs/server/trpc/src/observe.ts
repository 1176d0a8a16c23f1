import { RateLimitedError, RefreshRejectedError } from '@app/server-core';
import type { AuthEvent, ProcedureOutcome, Telemetry } from '@app/server-observability';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { performance } from 'node:perf_hooks';
import type { TRPCError } from '@trpc/server';

/** The part of a tRPC middleware result that telemetry reads. */
type CallResult = { ok: true } | { ok: false; error: TRPCError };

function outcomeOf(result: CallResult): ProcedureOutcome {
  return result.ok ? { status: 200 } : { status: getHTTPStatusCodeFromError(result.error), errorCode: result.error.code };
}

/**
 * The authentication event a call stands for, read from its procedure and outcome: the domain
 * error is the cause that the error mapping keeps on the tRPC error.
 */
export function authEventOf(procedure: string, result: CallResult): AuthEvent | undefined {
  const cause = result.ok ? undefined : result.error.cause;
  if (cause instanceof RateLimitedError) return 'rate_limited';
  if (procedure === 'auth.login') return result.ok ? 'sign_in_ok' : result.error.code === 'UNAUTHORIZED' ? 'sign_in_failed' : undefined;
  if (procedure === 'auth.refresh') {
    if (result.ok) return 'refresh_ok';
    if (cause instanceof RefreshRejectedError) return cause.reason === 'reused' ? 'refresh_reuse_detected' : 'refresh_rejected';
  }
  return undefined;
}

/**
 * Times one procedure call inside its span, then counts it by status and records the auth event
 * it stands for. Outermost middleware: it sees input errors and mapped domain errors alike.
 */
export async function observeProcedure<R extends CallResult>(
  telemetry: Telemetry,
  call: { path: string; type: string },
  next: () => Promise<R>,
): Promise<R> {
  const startedAt = performance.now();
  const result = await telemetry.tracing.procedure(call.path, call.type, next, outcomeOf);
  telemetry.metrics.procedureCompleted(call.path, call.type, outcomeOf(result), (performance.now() - startedAt) / 1000);
  const event = authEventOf(call.path, result);
  if (event) telemetry.metrics.authEvent(event);
  return result;
}
