import { HttpTestingController } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { AccountMessages, ErrorMessages, PasswordMessages } from '@app/contracts';
import { configureApiTesting, signIn } from '@app/web-data-access/testing';
import { ChangePassword } from './change-password';

describe('ChangePassword', () => {
  let fixture: ComponentFixture<ChangePassword>;
  let http: HttpTestingController;
  let host: HTMLElement;
  let changes: { otherDevicesSignedOut: boolean }[];

  beforeEach(async () => {
    http = configureApiTesting();
    await signIn(http);
    fixture = TestBed.createComponent(ChangePassword);
    changes = [];
    fixture.componentInstance.changed.subscribe((change) => changes.push(change));
    host = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const input = (id: string) => {
    const element = host.querySelector<HTMLInputElement>(`#${id}`);
    if (!element) throw new Error(`no #${id}`);
    return element;
  };

  async function type(id: string, value: string): Promise<void> {
    input(id).value = value;
    input(id).dispatchEvent(new Event('input'));
    input(id).dispatchEvent(new Event('blur'));
    await fixture.whenStable();
  }

  async function submit(): Promise<void> {
    host.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await fixture.whenStable();
  }

  const messages = (id: string) => [...host.querySelectorAll(`#${id} li`)].map((li) => li.textContent?.trim());

  it('checks the new password live against the shared policy, and sends nothing while it fails', async () => {
    await type('new-password', 'lantern');
    expect(messages('new-password-errors')).toEqual([PasswordMessages.tooShort, PasswordMessages.upper, PasswordMessages.digit, PasswordMessages.symbol]);
    await type('new-password', 'Lantern#42');
    expect(messages('new-password-errors')).toEqual([]);
    await type('current-password', 'Lantern#42');
    await submit();
    expect(messages('new-password-errors')).toEqual([AccountMessages.samePassword]);
    expect(messages('current-password-errors')).toEqual([]);
    await type('current-password', '');
    expect(messages('current-password-errors')).toEqual([AccountMessages.currentPasswordRequired]);
    http.expectNone('/trpc/auth.changePassword');
  });

  it('signs the other devices out by default, as the contract does; the box can be cleared', async () => {
    expect(input('sign-out-other-devices').checked).toBe(true);
    await type('current-password', 'Old#Password1');
    await type('new-password', 'Copper#Lantern42');
    input('sign-out-other-devices').click();
    await fixture.whenStable();
    await submit();
    const request = http.expectOne('/trpc/auth.changePassword');
    expect(request.request.body).toEqual({ currentPassword: 'Old#Password1', newPassword: 'Copper#Lantern42', signOutOtherDevices: false });
    request.flush({ result: { data: { user: { id: 'u', email: 'ada@example.com', role: 'user', emailVerified: true }, accessTokenExpiresAt: new Date(Date.now() + 900_000).toISOString(), refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString() } } });
    await vi.waitFor(() => expect(changes).toEqual([{ otherDevicesSignedOut: false }]));
    // Emptied for the next time, and back to the default.
    await fixture.whenStable();
    expect(input('current-password').value).toBe('');
    expect(input('new-password').value).toBe('');
    expect(input('sign-out-other-devices').checked).toBe(true);
    expect(messages('current-password-errors')).toEqual([]);
  });

  it('shows a wrong current password under its field, focused, and keeps what was typed', async () => {
    await type('current-password', 'Wrong#Password1');
    await type('new-password', 'Copper#Lantern42');
    await submit();
    http.expectOne('/trpc/auth.changePassword').flush(
      {
        error: {
          message: ErrorMessages.currentPasswordIncorrect,
          code: -32600,
          data: {
            code: 'BAD_REQUEST',
            httpStatus: 400,
            appCode: 'CURRENT_PASSWORD_INCORRECT',
            zodError: { formErrors: [], fieldErrors: { currentPassword: [ErrorMessages.currentPasswordIncorrect] } },
          },
        },
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(messages('current-password-errors')).toEqual([ErrorMessages.currentPasswordIncorrect]);
      expect(document.activeElement).toBe(input('current-password'));
    });
    expect(input('current-password').getAttribute('aria-invalid')).toBe('true');
    expect(input('new-password').value).toBe('Copper#Lantern42');
    expect(host.querySelector('[role="alert"]')).toBeNull();
    expect(changes).toEqual([]);
    // Typing again clears the server's verdict: it was about the password sent, not this one.
    await type('current-password', 'Right#Password1');
    expect(messages('current-password-errors')).toEqual([]);
  });

  it('says when to try again after too many attempts', async () => {
    await type('current-password', 'Wrong#Password1');
    await type('new-password', 'Copper#Lantern42');
    await submit();
    http.expectOne('/trpc/auth.changePassword').flush(
      { error: { message: ErrorMessages.rateLimited, code: -32029, data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, appCode: 'RATE_LIMITED', zodError: null } } },
      { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '40' } },
    );
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(host.querySelector('[role="alert"]')?.textContent?.trim()).toBe('Too many attempts; try again in 40 seconds.');
    });
  });
});
