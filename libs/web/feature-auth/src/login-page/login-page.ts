import { ChangeDetectionStrategy, Component, effect, ElementRef, inject, input, signal, untracked } from '@angular/core';
import { form, FormField, submit, validateStandardSchema } from '@angular/forms/signals';
import { Router, RouterLink } from '@angular/router';
import { LoginInput } from '@app/contracts';
import { AuthStore, safeReturnUrl, toApiError } from '@app/web-data-access';
import { FieldErrors, focusFirstInvalid, serverFieldErrors } from '@app/web-ui';

/**
 * Sign in. Validates with the server's own `LoginInput` schema, shows the server's message on
 * failure (a wrong password is a form error, never a redirect) and honours `?returnUrl=`.
 */
@Component({
  selector: 'app-login-page',
  imports: [FormField, FieldErrors, RouterLink],
  templateUrl: './login-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginPage {
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  /** From the query string (component input binding). */
  readonly returnUrl = input<string>();

  protected readonly model = signal<LoginInput>({ email: '', password: '' });
  protected readonly form = form(this.model, (path) => validateStandardSchema(path, LoginInput));
  protected readonly serverError = signal<string | null>(null);

  constructor() {
    // Signed in here or in another tab: go on to where the user was heading.
    effect(() => {
      if (this.auth.isSignedIn()) untracked(() => void this.router.navigateByUrl(safeReturnUrl(this.returnUrl())));
    });
  }

  protected async onSubmit(event: Event): Promise<void> {
    event.preventDefault();
    this.serverError.set(null);
    await submit(this.form, {
      action: async () => {
        try {
          await this.auth.login(this.model());
          return undefined;
        } catch (error) {
          const apiError = toApiError(error);
          this.serverError.set(apiError.message);
          return serverFieldErrors(apiError.fieldErrors, { email: this.form.email, password: this.form.password });
        }
      },
      onInvalid: () => setTimeout(() => focusFirstInvalid(this.host.nativeElement)),
    });
  }
}
