import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { ErrorMessages, PasswordMessages } from '@app/contracts';
import { authInterceptor } from '@app/web-data-access';
import { SignupPage } from './signup-page';

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

  it('shows the server’s message when the signup is refused', async () => {
    await type('signup-email', 'ada@example.com');
    await type('signup-password', 'Analytical#Engine1843');
    await submit();
    const request = http.expectOne('/trpc/auth.signup');
    expect(request.request.body).toEqual({ email: 'ada@example.com', password: 'Analytical#Engine1843' });
    request.flush(
      { error: { message: ErrorMessages.emailTaken, code: -32009, data: { code: 'CONFLICT', httpStatus: 409, appCode: 'EMAIL_TAKEN', zodError: null } } },
      { status: 409, statusText: 'Conflict' },
    );
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(host.querySelector('[role="alert"]')?.textContent?.trim()).toBe(ErrorMessages.emailTaken);
    });
  });
});
