import { HttpTestingController } from '@angular/common/http/testing';
import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { AccountMessages } from '@app/contracts';
import { AuthStore } from '@app/web-data-access';
import { authResult, configureApiTesting, ok, settle, take, USER } from '@app/web-data-access/testing';
import { VerifyEmailBanner } from '../verify-email-banner/verify-email-banner';
import { VerificationRequired } from './verification-required';

const UNVERIFIED = { ...USER, emailVerified: false };

/** The shell's banner above a page that may show the prompt, as in the app. */
@Component({
  imports: [VerifyEmailBanner, VerificationRequired],
  template: `
    <app-verify-email-banner />
    @if (prompt()) {
      <app-verification-required />
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
class Host {
  readonly prompt = signal(true);
}

describe('VerificationRequired', () => {
  let fixture: ComponentFixture<Host>;
  let http: HttpTestingController;
  let host: HTMLElement;

  beforeEach(async () => {
    http = configureApiTesting();
    const auth = TestBed.inject(AuthStore);
    const login = auth.login({ email: USER.email, password: 'Secret#Pass1' });
    await settle();
    take(http, 'auth.login')[0]?.flush(ok(authResult(UNVERIFIED)));
    await login;
    fixture = TestBed.createComponent(Host);
    host = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const prompt = () => host.querySelector('[data-testid="verification-required"]');
  const banner = () => host.querySelector('[data-testid="verify-email-banner"]');

  it('says the address must be verified to use the page, names it, as a labelled region, with no Retry', () => {
    expect(prompt()?.getAttribute('aria-labelledby')).toBe('verification-required-heading');
    expect(host.querySelector('#verification-required-heading')?.textContent?.trim()).toBe('Verify your email address to use this page');
    expect(prompt()?.textContent).toContain('Your email address must be verified before you can use this page.');
    expect(prompt()?.querySelector('.email')?.textContent).toBe(USER.email);
    const buttons = [...(prompt()?.querySelectorAll('button') ?? [])].map((button) => button.textContent?.trim());
    expect(buttons).toEqual(['Resend verification email']);
  });

  it('takes the place of the banner above the page while shown: one prompt, one button', async () => {
    expect(banner()).toBeNull();
    expect(host.querySelectorAll('button')).toHaveLength(1);
    fixture.componentInstance.prompt.set(false);
    await fixture.whenStable();
    expect(prompt()).toBeNull();
    expect(banner()?.textContent).toContain(USER.email);
  });

  it('sends a new link from its button and says so', async () => {
    prompt()?.querySelector('button')?.click();
    await fixture.whenStable();
    http.expectOne('/trpc/auth.resendVerification').flush(ok({ ok: true }));
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(prompt()?.querySelector('[role="status"]')?.textContent?.trim()).toBe(AccountMessages.verificationSent);
    });
  });
});
