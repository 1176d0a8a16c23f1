import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { SignupInput } from '@app/contracts';
import { AuthStore } from '@app/web-data-access';
import { Button, PASSWORD_POLICY_HINT, TextField } from '@app/web-ui';
import { credentialsForm } from '../credentials-form';

/**
 * Create an account. The password policy is the server's `SignupInput` schema, run in the form,
 * so the user sees every unmet rule, in the server's words, before sending.
 */
@Component({
  selector: 'app-signup-page',
  imports: [TextField, Button, RouterLink],
  templateUrl: './signup-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignupPage {
  private readonly auth = inject(AuthStore);

  /** From the query string (component input binding). */
  readonly returnUrl = input<string>();

  protected readonly passwordHint = PASSWORD_POLICY_HINT;
  protected readonly page = credentialsForm(SignupInput, (credentials) => this.auth.signup(credentials), this.returnUrl);
}
