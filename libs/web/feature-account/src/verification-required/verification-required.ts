import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, Injectable, signal } from '@angular/core';
import { AuthStore } from '@app/web-data-access';
import { ResendVerification } from '../resend-verification/resend-verification';

/**
 * Whether a page shows "Verify your email address to use this page" now. The banner above the
 * page then steps aside: one prompt, one "Resend verification email".
 */
@Injectable({ providedIn: 'root' })
export class VerificationRequiredShown {
  private readonly count = signal(0);
  readonly shown = computed(() => this.count() > 0);

  /** Counts one prompt as shown until `destroyRef` ends. */
  hold(destroyRef: DestroyRef): void {
    this.count.update((n) => n + 1);
    destroyRef.onDestroy(() => this.count.update((n) => n - 1));
  }
}

/**
 * What a page shows instead of its content when the server refused its data because the user's
 * address is not verified (REQUIRE_EMAIL_VERIFICATION, 403 EMAIL_NOT_VERIFIED): that it must be
 * verified first, the address, and "Resend verification email". No Retry: asking again would get
 * the same answer until the link is opened. The page asks again by itself once the address is
 * verified (see `whenEmailVerified`), and tells the refusal by `isEmailNotVerified`.
 */
@Component({
  selector: 'app-verification-required',
  imports: [ResendVerification],
  template: `
    @if (auth.user(); as user) {
      <section class="card prompt" aria-labelledby="verification-required-heading" data-testid="verification-required">
        <h2 id="verification-required-heading" class="heading">Verify your email address to use this page</h2>
        <p class="text">Your email address must be verified before you can use this page.</p>
        <p class="text">
          Open the link we sent to <strong class="email">{{ user.email }}</strong> in this browser: this page then loads. No mail? Ask for a new one.
        </p>
        <app-resend-verification />
      </section>
    }
  `,
  styles: `
    .prompt {
      max-width: 40rem;
      border-color: #f0d58c;
      background: #fff8e1;
      color: #5c4300;
    }
    .heading {
      margin: 0 0 0.5rem;
      font-size: 1.1rem;
    }
    .text {
      margin: 0 0 0.9rem;
    }
    .email {
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VerificationRequired {
  protected readonly auth = inject(AuthStore);

  constructor() {
    inject(VerificationRequiredShown).hold(inject(DestroyRef));
  }
}
