import { inject, Injectable } from '@angular/core';
import type { ChangePasswordInput } from '@app/contracts';
import { AuthStore } from '../auth-store';
import { TRPC_CLIENT } from '../trpc-client';

/**
 * The account's own credentials: changing the password (signed in). The server answers a change
 * with a new session for this device, which the `AuthStore` takes on, so this tab (and the
 * browser's other tabs) stay signed in while every other device is signed out, if asked.
 */
@Injectable({ providedIn: 'root' })
export class AccountStore {
  private readonly api = inject(TRPC_CLIENT);
  private readonly auth = inject(AuthStore);

  /** Changes the password; rejects with the server's refusal (a wrong current password is a 400 on `currentPassword`). */
  async changePassword(input: ChangePasswordInput): Promise<void> {
    await this.auth.replaceSession((options) => this.api.auth.changePassword.mutate(input, options));
  }
}
