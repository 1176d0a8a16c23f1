import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { form, validateStandardSchema } from '@angular/forms/signals';
import { RouterLink } from '@angular/router';
import { AccountMessages, RequestPasswordResetInput } from '@app/contracts';
import { AccountStore, toApiError } from '@app/web-data-access';
import { Button, formSubmission, TextField } from '@app/web-ui';

/**
 * "Forgot password?": asks for a reset link. Whatever the email, the answer is the same sentence
 * (contracts' `AccountMessages.resetRequested`), so the page never tells who has an account. Too
 * many requests are answered with when to try again.
 */
@Component({
  selector: 'app-forgot-password-page',
  imports: [TextField, Button, RouterLink],
  templateUrl: './forgot-password-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ForgotPasswordPage {
  private readonly account = inject(AccountStore);
  private readonly submission = formSubmission();

  private readonly model = signal<RequestPasswordResetInput>({ email: '' });
  protected readonly form = form(this.model, (path) => validateStandardSchema(path, RequestPasswordResetInput));
  protected readonly error = this.submission.error;
  /** The answer, once the server has taken a request (cleared while the next one is sent, so it is announced again). */
  protected readonly answer = signal<string | null>(null);

  protected async send(event: Event): Promise<void> {
    this.answer.set(null);
    const accepted = await this.submission.submit(event, this.form, {
      send: () => this.account.requestPasswordReset(this.model()),
      fields: { email: this.form.email },
      refusal: toApiError,
    });
    if (accepted) this.answer.set(AccountMessages.resetRequested);
  }
}
