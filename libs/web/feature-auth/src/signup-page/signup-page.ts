import { ChangeDetectionStrategy, Component, effect, ElementRef, inject, input, signal, untracked } from '@angular/core';
import { form, FormField, submit, validateStandardSchema } from '@angular/forms/signals';
import { Router, RouterLink } from '@angular/router';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH, SignupInput } from '@app/contracts';
import { AuthStore, safeReturnUrl, toApiError } from '@app/web-data-access';
import { FieldErrors, focusFirstInvalid, serverFieldErrors } from '@app/web-ui';

/**
 * Create an account. The password policy is the server's `SignupInput` schema, run in the form,
 * so the user sees every unmet rule, in the server's words, before sending.
 */
@Component({
  selector: 'app-signup-page',
  imports: [FormField, FieldErrors, RouterLink],
  templateUrl: './signup-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignupPage {
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  readonly returnUrl = input<string>();

  protected readonly minLength = PASSWORD_MIN_LENGTH;
  protected readonly maxBytes = PASSWORD_MAX_BYTES;
  protected readonly model = signal<SignupInput>({ email: '', password: '' });
  protected readonly form = form(this.model, (path) => validateStandardSchema(path, SignupInput));
  protected readonly serverError = signal<string | null>(null);

  constructor() {
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
          await this.auth.signup(this.model());
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
