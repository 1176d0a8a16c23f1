import { Location } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { AccountMessages, LoginInput } from '@app/contracts';
import { AuthStore } from '@app/web-data-access';
import { Button, TextField } from '@app/web-ui';
import { credentialsForm } from '../credentials-form';
import type { PasswordResetState } from '../reset-password-page/reset-password-page';

function isPasswordResetState(state: unknown): state is PasswordResetState {
  return typeof state === 'object' && state !== null && (state as Partial<PasswordResetState>).passwordReset === true;
}

/**
 * Sign in. Validates with the server's own `LoginInput` schema, shows the server's message on
 * failure (a wrong password is a form error, never a redirect) and honours `?returnUrl=`. After a
 * password reset (the navigation's state says so, and keeps saying so on reload) it tells the user
 * that every session was signed out. "Forgot password?" leads to the reset request.
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
  protected readonly passwordReset = isPasswordResetState(inject(Location).getState()) ? AccountMessages.passwordReset : null;
}
