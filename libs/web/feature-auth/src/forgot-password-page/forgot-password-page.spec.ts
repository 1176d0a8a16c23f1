import { HttpTestingController } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { AccountMessages, ErrorMessages } from '@app/contracts';
import { configureApiTesting, flushError, ok } from '@app/web-data-access/testing';
import { ForgotPasswordPage } from './forgot-password-page';

describe('ForgotPasswordPage', () => {
  let fixture: ComponentFixture<ForgotPasswordPage>;
  let http: HttpTestingController;
  let host: HTMLElement;

  beforeEach(async () => {
    http = configureApiTesting();
    fixture = TestBed.createComponent(ForgotPasswordPage);
    host = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const email = () => host.querySelector<HTMLInputElement>('#forgot-email')!;
  const status = () => host.querySelector('[role="status"]')?.textContent?.trim();
  const alert = () => host.querySelector('[role="alert"]')?.textContent?.trim();

  async function send(value: string): Promise<void> {
    email().value = value;
    email().dispatchEvent(new Event('input'));
    host.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await fixture.whenStable();
  }

  it('checks the address as the server does, focuses it, and sends nothing while it is wrong', async () => {
    await send('not-an-email');
    expect([...host.querySelectorAll('#forgot-email-errors li')].map((li) => li.textContent?.trim())).toEqual(['Enter a valid email address']);
    await vi.waitFor(() => expect(document.activeElement).toBe(email()));
    http.expectNone('/trpc/auth.requestPasswordReset');
  });

  it('answers with the one sentence the server answers for every email, in a live region', async () => {
    const region = host.querySelector('[role="status"]');
    expect(region?.textContent?.trim()).toBe('');
    await send('Nobody@Example.com');
    const request = http.expectOne('/trpc/auth.requestPasswordReset');
    expect(request.request.body).toEqual({ email: 'Nobody@Example.com' });
    request.flush(ok({ ok: true }));
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(status()).toBe(AccountMessages.resetRequested);
    });
    // The same region (screen readers listen to it from the start) carries the answer.
    expect(host.querySelector('[role="status"]')).toBe(region);
    expect(alert()).toBeUndefined();
    expect(host.querySelector('button[type="submit"]')?.textContent?.trim()).toBe('Send the link again');
  });

  it('says when to try again after too many requests', async () => {
    await send('ada@example.com');
    flushError(http.expectOne('/trpc/auth.requestPasswordReset'), 429, 'RATE_LIMITED', ErrorMessages.rateLimited, { 'Retry-After': '40' });
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(alert()).toBe('Too many attempts; try again in 40 seconds.');
    });
    expect(status()).toBe('');
  });
});
