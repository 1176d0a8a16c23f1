import { HttpTestingController } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { AppErrorCode, type AuthEvent, ErrorMessages, type Session } from '@app/contracts';
import { AuthStore } from '@app/web-data-access';
import { configureApiTesting, flushError, ok, settle, signIn, take, USER } from '@app/web-data-access/testing';
import { AccountPage } from './account-page';

const UNVERIFIED = { ...USER, emailVerified: false };
const SESSION: Session = {
  id: '00000000-0000-4000-8000-000000000021',
  createdAt: '2026-01-01T00:00:00.000Z',
  lastUsedAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-02-01T00:00:00.000Z',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 Safari/537.36',
  ip: '127.0.0.1',
  current: true,
};
const SIGNED_IN: AuthEvent = { id: '1', type: 'signed_in', createdAt: '2026-01-01T00:00:00.000Z', ip: '127.0.0.1', userAgent: null, detail: {} };

describe('AccountPage when the server wants a verified address first', () => {
  let fixture: ComponentFixture<AccountPage>;
  let http: HttpTestingController;
  let host: HTMLElement;

  beforeEach(async () => {
    http = configureApiTesting();
    await signIn(http, undefined, UNVERIFIED);
    fixture = TestBed.createComponent(AccountPage);
    host = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
    await settle();
    // auth.me is open to an unverified account; its sessions and activity are not.
    take(http, 'auth.me')[0]?.flush(ok(UNVERIFIED));
    flushError(take(http, 'auth.sessions')[0]!, 403, AppErrorCode.EmailNotVerified, ErrorMessages.emailNotVerified);
    flushError(take(http, 'auth.events')[0]!, 403, AppErrorCode.EmailNotVerified, ErrorMessages.emailNotVerified);
    await until(() => expect(byTestId('sessions-need-verification')).not.toBeNull());
  });

  afterEach(() => http.verify());

  async function until(check: () => void): Promise<void> {
    await vi.waitFor(async () => {
      await fixture.whenStable();
      check();
    });
  }

  const byTestId = (id: string) => host.querySelector(`[data-testid="${id}"]`);
  const text = (id: string) => byTestId(id)?.textContent?.replace(/\s+/g, ' ').trim();
  const visibleButtons = () =>
    [...host.querySelectorAll('button')].filter((b) => !b.closest('dialog')).map((b) => b.textContent?.trim()); // the closed confirmation's are not on screen

  it('shows who is signed in and that the address must be verified, with "Resend verification email", and no error or Retry', async () => {
    expect(text('account-email')).toBe(UNVERIFIED.email);
    expect(text('email-status')).toContain('Not verified');
    expect(text('verification-required-hint')).toBe('It must be verified before you can use the rest of this site.');
    expect(text('sessions-need-verification')).toBe('Where you are signed in is shown once your email address is verified.');
    expect(text('activity-needs-verification')).toBe('Your recent activity is shown once your email address is verified.');
    expect(host.querySelector('[role="alert"]')).toBeNull();
    expect(visibleButtons()).not.toContain('Retry');
    expect(visibleButtons().filter((label) => label === 'Resend verification email')).toHaveLength(1);
    expect(host.querySelectorAll('tr.skeleton')).toHaveLength(0);
    await settle();
    expect(take(http, 'auth.refresh')).toHaveLength(0);
  });

  it('loads the sessions and the activity by itself once the address is verified', async () => {
    TestBed.inject(AuthStore).updateUser(USER);
    await fixture.whenStable();
    await settle();
    take(http, 'auth.me')[0]?.flush(ok(USER));
    take(http, 'auth.sessions')[0]?.flush(ok([SESSION]));
    take(http, 'auth.events')[0]?.flush(ok({ items: [SIGNED_IN], nextCursor: null }));
    await until(() => expect(host.querySelector('tr.current')?.textContent).toContain('This device'));
    expect(text('email-status')).toBe('Verified');
    expect(byTestId('sessions-need-verification')).toBeNull();
    expect(byTestId('activity-needs-verification')).toBeNull();
    expect(host.querySelector('table.activity tbody')?.textContent).toContain('Signed in');
  });
});
