import { HttpTestingController } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { AccountMessages, ErrorMessages } from '@app/contracts';
import { AuthStore } from '@app/web-data-access';
import { authResult, configureApiTesting, flushError, ok, settle, take, USER } from '@app/web-data-access/testing';
import { VerifyEmailPage } from './verify-email-page';

const TOKEN = 'v9-verification-token';
const UNVERIFIED = { ...USER, emailVerified: false };

describe('VerifyEmailPage', () => {
  let fixture: ComponentFixture<VerifyEmailPage>;
  let http: HttpTestingController;
  let host: HTMLElement;

  beforeEach(() => {
    http = configureApiTesting();
  });

  afterEach(() => http.verify());

  /** Signs in as a user whose address is not verified yet. */
  async function signInUnverified(): Promise<AuthStore> {
    const auth = TestBed.inject(AuthStore);
    const login = auth.login({ email: USER.email, password: 'Secret#Pass1' });
    await settle();
    take(http, 'auth.login')[0]?.flush(ok(authResult(UNVERIFIED)));
    await login;
    return auth;
  }

  async function open(token: string | undefined): Promise<void> {
    fixture = TestBed.createComponent(VerifyEmailPage);
    if (token !== undefined) fixture.componentRef.setInput('token', token);
    host = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  const text = (selector: string) => host.querySelector(selector)?.textContent?.trim();
  const links = () => [...host.querySelectorAll('a')].map((a) => [a.textContent?.trim(), a.getAttribute('href')]);
  const button = (name: string) => [...host.querySelectorAll('button')].find((b) => b.textContent?.trim() === name);

  async function until(check: () => void): Promise<void> {
    await vi.waitFor(async () => {
      await fixture.whenStable();
      check();
    });
  }

  it('verifies the address as soon as it opens and says so; a visitor is offered sign-in', async () => {
    await TestBed.inject(AuthStore).restore();
    await open(TOKEN);
    expect(text('[role="status"]')).toBe('Checking the link…');
    const request = http.expectOne('/trpc/auth.verifyEmail');
    expect(request.request.body).toEqual({ token: TOKEN });
    request.flush(ok({ ok: true }));
    await until(() => expect(text('[role="status"]')).toBe(AccountMessages.emailVerified));
    expect(links()).toEqual([['Sign in', '/login']]);
  });

  it('updates a signed-in user at once (the banner goes) and leads back to the account', async () => {
    const auth = await signInUnverified();
    await open(TOKEN);
    http.expectOne('/trpc/auth.verifyEmail').flush(ok({ ok: true }));
    await settle();
    take(http, 'auth.me')[0]?.flush(ok(USER));
    await until(() => expect(text('[role="status"]')).toBe(AccountMessages.emailVerified));
    expect(auth.user()?.emailVerified).toBe(true);
    expect(links()).toEqual([['Go to your account', '/account']]);
  });

  it('explains an expired link and lets a signed-in user ask for a new one', async () => {
    await signInUnverified();
    await open(TOKEN);
    flushError(http.expectOne('/trpc/auth.verifyEmail'), 400, 'VERIFICATION_TOKEN_EXPIRED', ErrorMessages.verificationTokenExpired);
    await until(() => expect(text('[role="alert"]')).toBe(ErrorMessages.verificationTokenExpired));
    button('Resend verification email')?.click();
    await fixture.whenStable();
    http.expectOne('/trpc/auth.resendVerification').flush(ok({ ok: true }));
    await until(() => expect(text('app-resend-verification [role="status"]')).toBe(AccountMessages.verificationSent));
  });

  it('explains an unknown link to a visitor and asks them to sign in to get a new one', async () => {
    await TestBed.inject(AuthStore).restore();
    await open(TOKEN);
    flushError(http.expectOne('/trpc/auth.verifyEmail'), 400, 'VERIFICATION_TOKEN_INVALID', ErrorMessages.verificationTokenInvalid);
    await until(() => expect(text('[role="alert"]')).toBe(ErrorMessages.verificationTokenInvalid));
    expect(links()).toEqual([['Sign in', '/login?returnUrl=%2Faccount']]);
    expect(button('Resend verification email')).toBeUndefined();
  });

  it('tells a user already verified that nothing is left to do', async () => {
    await signInUnverified();
    TestBed.inject(AuthStore).updateUser(USER);
    await open(TOKEN);
    flushError(http.expectOne('/trpc/auth.verifyEmail'), 400, 'VERIFICATION_TOKEN_INVALID', ErrorMessages.verificationTokenInvalid);
    await until(() => expect(host.textContent).toContain('is verified already'));
    expect(button('Resend verification email')).toBeUndefined();
    expect(links()).toEqual([['Go to your account', '/account']]);
  });

  it('explains an incomplete link without asking the server', async () => {
    await TestBed.inject(AuthStore).restore();
    await open(undefined);
    expect(text('[role="alert"]')).toBe(AccountMessages.tokenMissing);
    http.expectNone('/trpc/auth.verifyEmail');
  });

  it('offers Try again when the server cannot be reached, and verifies on the second try', async () => {
    await TestBed.inject(AuthStore).restore();
    await open(TOKEN);
    http.expectOne('/trpc/auth.verifyEmail').error(new ProgressEvent('error'), { status: 0 });
    await until(() => expect(text('[role="alert"]')).toBe('Cannot reach the server; check your connection'));
    button('Try again')?.click();
    await fixture.whenStable();
    http.expectOne('/trpc/auth.verifyEmail').flush(ok({ ok: true }));
    await until(() => expect(text('[role="status"]')).toBe(AccountMessages.emailVerified));
  });
});
