import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from '@angular/common/http/testing';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { ErrorMessages, PasswordMessages } from '@app/contracts';
import { authInterceptor } from '@app/web-data-access';
import { SignupPage } from './signup-page';

function flushErrorResponse(request: TestRequest, status: number, appCode: string, message: string): void {
  request.flush({ error: { message, code: -32603, data: { code: 'SERVICE_UNAVAILABLE', httpStatus: status, appCode, zodError: null } } }, { status, statusText: 'Error' });
}

describe('SignupPage', () => {
  let fixture: ComponentFixture<SignupPage>;
  let http: HttpTestingController;
  let host: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting(), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(SignupPage);
    host = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  async function type(label: string, value: string): Promise<void> {
    const input = host.querySelector<HTMLInputElement>(`#${label}`);
    if (!input) throw new Error(`no #${label}`);
    input.value = value;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
    await fixture.whenStable();
  }

  async function submit(): Promise<void> {
    host.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await fixture.whenStable();
  }

  const messages = (id: string) => [...host.querySelectorAll(`#${id} li`)].map((li) => li.textContent?.trim());

  it('shows every unmet password rule in the server schema’s words and sends nothing', async () => {
    await type('signup-email', 'not-an-email');
    await type('signup-password', 'xyq');
    await submit();
    expect(messages('signup-email-errors')).toEqual(['Enter a valid email address']);
    expect(messages('signup-password-errors')).toEqual([PasswordMessages.tooShort, PasswordMessages.upper, PasswordMessages.digit, PasswordMessages.symbol]);
    expect(host.querySelector('#signup-password')?.getAttribute('aria-invalid')).toBe('true');
    http.expectNone(() => true);
  });

  it('refuses a common password as the server does', async () => {
    await type('signup-password', 'P@ssw0rd1!');
    expect(messages('signup-password-errors')).toEqual([PasswordMessages.common]);
  });

  it('ties "email taken" to the email field: its message under it, the field invalid and focused', async () => {
    await type('signup-email', 'ada@example.com');
    await type('signup-password', 'Analytical#Engine1843');
    await submit();
    const request = http.expectOne('/trpc/auth.signup');
    expect(request.request.body).toEqual({ email: 'ada@example.com', password: 'Analytical#Engine1843' });
    request.flush(
      { error: { message: ErrorMessages.emailTaken, code: -32009, data: { code: 'CONFLICT', httpStatus: 409, appCode: 'EMAIL_TAKEN', zodError: null } } },
      { status: 409, statusText: 'Conflict' },
    );
    const email = host.querySelector<HTMLInputElement>('#signup-email');
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(messages('signup-email-errors')).toEqual([ErrorMessages.emailTaken]);
      expect(email?.getAttribute('aria-invalid')).toBe('true');
      expect(email?.getAttribute('aria-describedby')).toContain('signup-email-errors');
      expect(document.activeElement).toBe(email);
    });
    // Said once, where it belongs: no second copy in a page-level alert.
    expect(host.querySelector('[role="alert"]')).toBeNull();
  });

  it('shows the server’s message for a refusal that belongs to no field, and keeps focus on the button', async () => {
    await type('signup-email', 'ada@example.com');
    await type('signup-password', 'Analytical#Engine1843');
    const button = host.querySelector<HTMLButtonElement>('button[type="submit"]');
    button?.focus();
    await submit();
    // While the request is under way the button says so but stays focusable (never `disabled`).
    expect(button?.getAttribute('aria-disabled')).toBe('true');
    expect(button?.disabled).toBe(false);
    flushErrorResponse(http.expectOne('/trpc/auth.signup'), 503, 'DATABASE_UNAVAILABLE', 'The database is unavailable; try again shortly');
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(host.querySelector('[role="alert"]')?.textContent?.trim()).toBe('The database is unavailable; try again shortly');
    });
    expect(document.activeElement).toBe(button);
  });
});
