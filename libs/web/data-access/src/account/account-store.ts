import { inject, Injectable } from '@angular/core';
import type { ChangePasswordInput, RequestPasswordResetInput, ResetPasswordInput, VerifyEmailInput } from '@app/contracts';
import { toApiError } from '../api-error';
import { AuthStore } from '../auth-store';
import { TRPC_CLIENT } from '../trpc-client';

/** `appCode` of `auth.resendVerification` when the address is verified already (contracts' AppErrorCode.EmailAlreadyVerified). */
const EMAIL_ALREADY_VERIFIED = 'EMAIL_ALREADY_VERIFIED';

/**
 * The account's own credentials: changing the password (signed in), and getting back in or
 * proving the address (from the links the server emails). The server answers a change with a new
 * session for this device, which the `AuthStore` takes on, so this tab (and the browser's other
 * tabs) stay signed in while every other device is signed out, if asked. A reset ends every
 * session of its account; a verification changes the user: after either, the `AuthStore` asks the
 * server where this browser stands.
 */
@Injectable({ providedIn: 'root' })
export class AccountStore {
  private readonly api = inject(TRPC_CLIENT);
  private readonly auth = inject(AuthStore);

  /** Changes the password; rejects with the server's refusal (a wrong current password is a 400 on `currentPassword`). */
  async changePassword(input: ChangePasswordInput): Promise<void> {
    await this.auth.replaceSession((options) => this.api.auth.changePassword.mutate(input, options));
  }

  /** Asks for a reset link. The server answers the same whether or not the email has an account. */
  async requestPasswordReset(input: RequestPasswordResetInput): Promise<void> {
    await this.api.auth.requestPasswordReset.mutate(input);
  }

  /**
   * Sets a new password from a reset link. The server ends every session of the account: if this
   * browser was signed in to it, it is signed out here and in its other tabs once this resolves.
   * Rejects with the server's refusal (RESET_TOKEN_* for a link that is unknown, used or expired).
   */
  async resetPassword(input: ResetPasswordInput): Promise<void> {
    await this.api.auth.resetPassword.mutate(input);
    await this.auth.confirmSession();
  }

  /** Verifies the address from a verification link; a signed-in user learns it at once (every tab). */
  async verifyEmail(input: VerifyEmailInput): Promise<void> {
    await this.api.auth.verifyEmail.mutate(input);
    await this.auth.confirmSession();
  }

  /**
   * Sends a new verification link to the signed-in user's address. When the server says the
   * address is verified already (verified meanwhile, in another browser), the user is updated
   * before the refusal is passed on.
   */
  async resendVerification(): Promise<void> {
    try {
      await this.api.auth.resendVerification.mutate();
    } catch (error) {
      if (toApiError(error).appCode === EMAIL_ALREADY_VERIFIED) await this.auth.confirmSession();
      throw error;
    }
  }
}
