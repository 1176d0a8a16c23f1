import { ChangeDetectionStrategy, Component, inject, input, type OnInit, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { AccountMessages, AppErrorCode, LinkToken } from '@app/contracts';
import { AccountStore, AuthStore, isTransientError, toApiError } from '@app/web-data-access';
import { Button } from '@app/web-ui';
import { ResendVerification } from '../resend-verification/resend-verification';

/** Where the check of the link stands. */
export type VerificationState =
  | { readonly kind: 'checking' }
  | { readonly kind: 'verified' }
  /** The link cannot verify anything (incomplete, unknown, expired or replaced): a new one is needed. */
  | { readonly kind: 'dead-link'; readonly message: string }
  /** The server could not be asked or did not answer (offline, rate limit, outage): trying again may work. */
  | { readonly kind: 'failed'; readonly message: string };

/**
 * `/verify-email?token=…`, from the verification email: verifies the address at once and says so.
 * A link that cannot work says why, in the server's words, and offers a new one: "Resend
 * verification email" when signed in, signing in first otherwise. A failure to reach the server
 * offers Try again. Anyone may open it, signed in or not, in any browser.
 */
@Component({
  selector: 'app-verify-email-page',
  imports: [RouterLink, Button, ResendVerification],
  templateUrl: './verify-email-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VerifyEmailPage implements OnInit {
  private readonly account = inject(AccountStore);
  protected readonly auth = inject(AuthStore);

  /** From the query string (component input binding). */
  readonly token = input<string>();

  protected readonly state = signal<VerificationState>({ kind: 'checking' });
  protected readonly verifiedMessage = AccountMessages.emailVerified;

  ngOnInit(): void {
    void this.verify();
  }

  protected async verify(): Promise<void> {
    const parsed = LinkToken.safeParse(this.token() ?? '');
    if (!parsed.success) {
      this.state.set({ kind: 'dead-link', message: parsed.error.issues[0]?.message ?? AccountMessages.tokenMalformed });
      return;
    }
    this.state.set({ kind: 'checking' });
    try {
      await this.account.verifyEmail({ token: parsed.data });
      this.state.set({ kind: 'verified' });
    } catch (error) {
      const apiError = toApiError(error);
      const deadLink = apiError.appCode === AppErrorCode.VerificationTokenInvalid || apiError.appCode === AppErrorCode.VerificationTokenExpired;
      this.state.set({ kind: deadLink || !isTransientError(error) ? 'dead-link' : 'failed', message: apiError.message });
    }
  }
}
