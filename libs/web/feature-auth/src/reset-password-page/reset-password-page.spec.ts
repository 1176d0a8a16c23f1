import { Location } from '@angular/common';
import { HttpTestingController } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { AccountMessages, ErrorMessages, PasswordMessages } from '@app/contracts';
import { AuthStore } from '@app/web-data-access';
import { Blank, configureApiTesting, flushError, ok, settle, signIn, take } from '@app/web-data-access/testing';
import { ResetPasswordPage } from './reset-password-page';

const TOKEN = 'k3Jd9-reset-token';

describe('ResetPasswordPage', () => {
  let fixture: ComponentFixture<ResetPasswordPage>;
  let http: HttpTestingController;
  let host: HTMLElement;

  beforeEach(() => {
    http = configureApiTesting([
      { path: 'login', component: Blank },
      { path: 'forgot-password', component: Blank },
      { path: 'reset-password', component: Blank },
    ]);
  });

  afterEach(() => http.verify());

  async function open(token: string | undefined): Promise<void> {
    fixture = TestBed.createComponent(ResetPasswordPage);
    if (token !== undefined) fixture.componentRef.setInput('token', token);
    host = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  const password = () => host.querySelector<HTMLInputElement>('#new-password');
  const messages = () => [...host.querySelectorAll('#new-password-errors li')].map((li) => li.textContent?.trim());
  const problem = () => host.querySelector<HTMLElement>('[data-testid="link-problem"]');
  const links = () => [...host.querySelectorAll('a')].map((a) => [a.textContent?.trim(), a.getAttribute('href')]);

  async function type(value: string): Promise<void> {
    password()!.value = value;
    password()!.dispatchEvent(new Event('input'));
    password()!.dispatchEvent(new Event('blur'));
    await fixture.whenStable();
  }

  async function submit(): Promise<void> {
    host.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await fixture.whenStable();
  }

  it('checks the new password live against the shared policy, with the policy as its hint, and sends nothing while it fails', async () => {
    await open(TOKEN);
    expect(password()?.getAttribute('autocomplete')).toBe('new-password');
    expect(host.querySelector('#new-password-hint')?.textContent).toContain('At least 8 characters');
    await type('lantern');
    expect(messages()).toEqual([PasswordMessages.tooShort, PasswordMessages.upper, PasswordMessages.digit, PasswordMessages.symbol]);
    await type('Password1!');
    expect(messages()).toEqual([PasswordMessages.common]);
    await submit();
    expect(document.activeElement).toBe(password());
    expect(password()?.getAttribute('aria-invalid')).toBe('true');
    http.expectNone('/trpc/auth.resetPassword');
  });

  it('sets the new password with the link’s token, then goes to sign-in, telling it the password was reset', async () => {
    await open(TOKEN);
    await type('Copper#Lantern42');
    await submit();
    const request = http.expectOne('/trpc/auth.resetPassword');
    expect(request.request.body).toEqual({ token: TOKEN, newPassword: 'Copper#Lantern42' });
    request.flush(ok({ ok: true }));
    const router = TestBed.inject(Router);
    await vi.waitFor(() => expect(router.url).toBe('/login'));
    expect(TestBed.inject(Location).getState()).toMatchObject({ passwordReset: true });
  });

  it('signs this browser out when the reset has ended its session', async () => {
    const auth = await signIn(http);
    await open(TOKEN);
    await type('Copper#Lantern42');
    await submit();
    http.expectOne('/trpc/auth.resetPassword').flush(ok({ ok: true }));
    await settle();
    flushError(take(http, 'auth.me')[0]!, 401, 'SESSION_REVOKED');
    await settle();
    flushError(take(http, 'auth.refresh')[0]!, 401, 'REFRESH_INVALID');
    await vi.waitFor(() => expect(TestBed.inject(Router).url).toBe('/login'));
    expect(auth.isSignedIn()).toBe(false);
    expect(TestBed.inject(AuthStore).user()).toBeNull();
  });

  it('explains a used link in the server’s words, with focus on it, and offers sign-in or a new link', async () => {
    await open(TOKEN);
    await type('Copper#Lantern42');
    const button = host.querySelector<HTMLButtonElement>('button[type="submit"]');
    button?.focus();
    await submit();
    flushError(http.expectOne('/trpc/auth.resetPassword'), 400, 'RESET_TOKEN_USED', ErrorMessages.resetTokenUsed);
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(problem()?.textContent?.trim()).toBe(ErrorMessages.resetTokenUsed);
      expect(document.activeElement).toBe(problem());
    });
    expect(problem()?.getAttribute('role')).toBe('alert');
    expect(host.querySelector('form')).toBeNull();
    expect(links()).toEqual([
      ['Ask for a new link', '/forgot-password'],
      ['Sign in', '/login'],
      ['Back to sign in', '/login'],
    ]);
  });

  for (const [code, message] of [
    ['RESET_TOKEN_EXPIRED', ErrorMessages.resetTokenExpired],
    ['RESET_TOKEN_EXPIRED', ErrorMessages.resetTokenReplaced],
    ['RESET_TOKEN_INVALID', ErrorMessages.resetTokenInvalid],
  ] as const) {
    it(`explains ${code} (“${message.slice(0, 40)}…”) and offers a new link`, async () => {
      await open(TOKEN);
      await type('Copper#Lantern42');
      await submit();
      flushError(http.expectOne('/trpc/auth.resetPassword'), 400, code, message);
      await vi.waitFor(async () => {
        await fixture.whenStable();
        expect(problem()?.textContent?.trim()).toBe(message);
      });
      expect(links()).toEqual([
        ['Ask for a new link', '/forgot-password'],
        ['Back to sign in', '/login'],
      ]);
    });
  }

  it('explains an incomplete link at once, without asking the server', async () => {
    await open(undefined);
    expect(problem()?.textContent?.trim()).toBe(AccountMessages.tokenMissing);
    expect(host.querySelector('form')).toBeNull();
    await open('x'.repeat(201));
    expect(problem()?.textContent?.trim()).toBe(AccountMessages.tokenMalformed);
    http.expectNone('/trpc/auth.resetPassword');
  });

  it('keeps the form for a refusal that says nothing about the link, with when to try again', async () => {
    await open(TOKEN);
    await type('Copper#Lantern42');
    await submit();
    flushError(http.expectOne('/trpc/auth.resetPassword'), 429, 'RATE_LIMITED', ErrorMessages.rateLimited, { 'Retry-After': '1' });
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(host.querySelector('[role="alert"]')?.textContent?.trim()).toBe('Too many attempts; try again in 1 second.');
    });
    expect(password()?.value).toBe('Copper#Lantern42');
    expect(problem()).toBeNull();
  });
});
