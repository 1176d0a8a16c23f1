import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import { form, validateStandardSchema } from '@angular/forms/signals';
import { ChangePasswordInput } from '@app/contracts';
import { AccountStore, toApiError } from '@app/web-data-access';
import { Button, CheckboxField, formSubmission, PASSWORD_POLICY_HINT, TextField } from '@app/web-ui';

interface ChangePasswordModel {
  currentPassword: string;
  newPassword: string;
  signOutOtherDevices: boolean;
}

const EMPTY: ChangePasswordModel = { currentPassword: '', newPassword: '', signOutOtherDevices: true };

/**
 * Change the password: the current one (a wrong one comes back from the server as a message under
 * its field), the new one checked live against the shared policy (contracts' `ChangePasswordInput`,
 * as the server checks it), and "sign out my other devices", on by default as in the contract.
 * This tab stays signed in (the server hands it a new session); `changed` tells the page.
 */
@Component({
  selector: 'app-change-password',
  imports: [TextField, CheckboxField, Button],
  templateUrl: './change-password.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChangePassword {
  private readonly account = inject(AccountStore);
  private readonly submission = formSubmission();

  /** The account's email, for password managers (a hidden username field). */
  readonly email = input<string>();
  /** After a change: whether the other devices were signed out. */
  readonly changed = output<{ otherDevicesSignedOut: boolean }>();

  private readonly model = signal<ChangePasswordModel>({ ...EMPTY });
  protected readonly form = form(this.model, (path) => validateStandardSchema(path, ChangePasswordInput));
  protected readonly error = this.submission.error;
  protected readonly passwordHint = PASSWORD_POLICY_HINT;

  protected async changePassword(event: Event): Promise<void> {
    const value = this.model();
    const accepted = await this.submission.submit(event, this.form, {
      send: () => this.account.changePassword(value),
      fields: { currentPassword: this.form.currentPassword, newPassword: this.form.newPassword },
      refusal: toApiError,
    });
    if (!accepted) return;
    this.form().reset({ ...EMPTY });
    this.changed.emit({ otherDevicesSignedOut: value.signOutOtherDevices });
  }
}
