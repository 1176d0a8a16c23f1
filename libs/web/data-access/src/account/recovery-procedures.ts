import type { AuthEventsInput, AuthEventsPage, OkResult, RequestPasswordResetInput, ResetPasswordInput, VerifyEmailInput } from '@app/contracts';
import type { ApiClient } from '../trpc-client';

/** tRPC's per-call options the app uses (an abort signal, the `HttpContext` carrier). */
interface CallOptions {
  readonly signal?: AbortSignal;
  readonly context?: Record<string, unknown>;
}

/**
 * The account-recovery and activity procedures, typed from their contracts (`@app/contracts`):
 * `auth.requestPasswordReset`, `auth.resetPassword`, `auth.verifyEmail`,
 * `auth.resendVerification` and `auth.events`. Their answers beyond `OkResult` and the events
 * page are not read.
 */
export interface RecoveryProcedures {
  readonly requestPasswordReset: { mutate(input: RequestPasswordResetInput, options?: CallOptions): Promise<OkResult> };
  readonly resetPassword: { mutate(input: ResetPasswordInput, options?: CallOptions): Promise<unknown> };
  readonly verifyEmail: { mutate(input: VerifyEmailInput, options?: CallOptions): Promise<unknown> };
  readonly resendVerification: { mutate(input?: undefined, options?: CallOptions): Promise<unknown> };
  readonly events: { query(input: AuthEventsInput, options?: CallOptions): Promise<AuthEventsPage> };
}

/**
 * The client's `auth` procedures seen through {@link RecoveryProcedures}. The router type the
 * client is built on does not list them yet; the cast goes as soon as it does.
 */
export function recoveryProcedures(api: ApiClient): RecoveryProcedures {
  // A cast, not `any`: the shapes above are the contracts' own input and output types.
  return api.auth as unknown as RecoveryProcedures;
}
