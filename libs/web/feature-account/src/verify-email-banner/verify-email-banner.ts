import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { AuthStore } from '@app/web-data-access';
import { ResendVerification } from '../resend-verification/resend-verification';
import { VerificationRequiredShown } from '../verification-required/verification-required';

/**
 * Above every signed-in page while the user's address is unverified: what to do (open the link
 * that was emailed), and "Resend verification email". Gone as soon as the address is verified,
 * in any tab of this browser, and while the page itself says the address must be verified first
 * (`VerificationRequired`, when the server requires it): one prompt, not two.
 */
@Component({
  selector: 'app-verify-email-banner',
  imports: [ResendVerification],
  template: `
    @if (unverifiedEmail(); as email) {
      <section class="banner" aria-labelledby="verify-banner-heading" data-testid="verify-email-banner">
        <h2 id="verify-banner-heading" class="heading">Verify your email address</h2>
        <p class="text">
          We sent a link to <strong class="email">{{ email }}</strong>. Open it to confirm the address is yours: it is how you get back
          in if you forget your password.
        </p>
        <app-resend-verification size="small" />
      </section>
    }
  `,
  styles: `
    .banner {
      margin: 0 0 1.25rem;
      padding: 0.85rem 1rem;
      border: 1px solid #f0d58c;
      border-radius: var(--radius, 8px);
      background: #fff8e1;
      color: #5c4300;
    }
    .heading {
      margin: 0 0 0.25rem;
      font-size: 1rem;
    }
    .text {
      margin: 0 0 0.6rem;
    }
    .email {
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VerifyEmailBanner {
  private readonly auth = inject(AuthStore);
  private readonly pagePrompt = inject(VerificationRequiredShown);

  protected readonly unverifiedEmail = computed(() => {
    const user = this.auth.user();
    return user && !user.emailVerified && !this.pagePrompt.shown() ? user.email : null;
  });
}
