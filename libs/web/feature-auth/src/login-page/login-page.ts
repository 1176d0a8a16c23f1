import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { LoginInput } from '@app/contracts';
import { AuthStore } from '@app/web-data-access';
import { Button, TextField } from '@app/web-ui';
import { credentialsForm } from '../credentials-form';

/**
 * Sign in. Validates with the server's own `LoginInput` schema, shows the server's message on
 * failure (a wrong password is a form error, never a redirect) and honours `?returnUrl=`.
 */
@Component({
  selector: 'app-login-page',
  imports: [TextField, Button, RouterLink],
  templateUrl: './login-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginPage {
  protected readonly auth = inject(AuthStore);

  /** From the query string (component input binding). */
  readonly returnUrl = input<string>();

  protected readonly page = credentialsForm(LoginInput, (credentials) => this.auth.login(credentials), this.returnUrl);
}
