import { HttpTestingController } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { AccountMessages, ErrorMessages } from '@app/contracts';
import { AuthStore } from '@app/web-data-access';
import { authResult, configureApiTesting, flushError, ok, settle, take, USER } from '@app/web-data-access/testing';
import { VerifyEmailBanner } from './verify-email-banner';

const UNVERIFIED = { ...USER, emailVerified: false };

describe('VerifyEmailBanner', () => {
  let fixture: ComponentFixture<VerifyEmailBanner>;
  let http: HttpTestingController;
  let host: HTMLElement;
  let auth: AuthStore;

  beforeEach(async () => {
    http = configureApiTesting();
    auth = TestBed.inject(AuthStore);
    const login = auth.login({ email: USER.email, password: 'Secret#Pass1' });
    await settle();
    take(http, 'auth.login')[0]?.flush(ok(authResult(UNVERIFIED)));
    await login;
    fixture = TestBed.createComponent(VerifyEmailBanner);
    host = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const banner = () => host.querySelector('section');
  const resend = () => host.querySelector<HTMLButtonElement>('button')!;
  const outcome = () => host.querySelector('[role="status"]')?.textContent?.trim();

  async function until(check: () => void): Promise<void> {
    await vi.waitFor(async () => {
      await fixture.whenStable();
      check();
    });
  }

  it('tells an unverified user what to do, as a labelled region, and goes once the address is verified', async () => {
    expect(banner()?.getAttribute('aria-labelledby')).toBe('verify-banner-heading');
    expect(host.querySelector('#verify-banner-heading')?.textContent?.trim()).toBe('Verify your email address');
    expect(banner()?.textContent).toContain(USER.email);
    auth.updateUser(USER);
    await fixture.whenStable();
    expect(banner()).toBeNull();
  });

  it('sends a new link, says so in a live region, and keeps the button focused while sending', async () => {
    resend().focus();
    resend().click();
    await fixture.whenStable();
    expect(resend().getAttribute('aria-disabled')).toBe('true');
    expect(resend().textContent?.trim()).toBe('Sending…');
    http.expectOne('/trpc/auth.resendVerification').flush(ok({ ok: true }));
    await until(() => expect(outcome()).toBe(AccountMessages.verificationSent));
    expect(document.activeElement).toBe(resend());
  });

  it('says when to try again after too many requests', async () => {
    resend().click();
    await fixture.whenStable();
    flushError(http.expectOne('/trpc/auth.resendVerification'), 429, 'RATE_LIMITED', ErrorMessages.rateLimited, { 'Retry-After': '300' });
    await until(() => expect(outcome()).toMatch(/^Too many attempts; try again in 5 minutes \(at .+\)\.$/));
  });

  it('goes when the server says the address was verified meanwhile (in another browser)', async () => {
    resend().click();
    await fixture.whenStable();
    flushError(http.expectOne('/trpc/auth.resendVerification'), 409, 'EMAIL_ALREADY_VERIFIED', ErrorMessages.emailAlreadyVerified);
    await settle();
    take(http, 'auth.me')[0]?.flush(ok(USER));
    await until(() => expect(banner()).toBeNull());
  });
});
