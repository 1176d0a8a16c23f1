import { afterNextRender, ChangeDetectionStrategy, Component, computed, ElementRef, inject, Injector, input, signal, viewChild } from '@angular/core';
import { form, validateStandardSchema } from '@angular/forms/signals';
import { Router, RouterLink } from '@angular/router';
import { AppErrorCode, LinkToken, Password } from '@app/contracts';
import { AccountStore, type ApiError, toApiError } from '@app/web-data-access';
import { Button, formSubmission, PASSWORD_POLICY_HINT, TextField } from '@app/web-ui';

/** The refusals that mean the link itself is dead: a new one is needed, the form is of no use. */
const DEAD_LINK_CODES: ReadonlySet<string> = new Set([AppErrorCode.ResetTokenInvalid, AppErrorCode.ResetTokenUsed, AppErrorCode.ResetTokenExpired]);

/** Why the link cannot be used, and whether it was used already (then signing in may be what the user wants). */
export interface LinkProblem {
  readonly message: string;
  readonly used: boolean;
}

/** Navigation state the sign-in page reads: the password was just reset. */
export interface PasswordResetState {
  readonly passwordReset: true;
}

/**
 * `/reset-password?token=…`, from the reset email: a new password, checked as the user types
 * against the shared policy (contracts' `Password`, as the server checks it). On success every
 * session of the account has ended: the app goes to sign-in, which says so. A link that is
 * incomplete, unknown, used or expired says which, in the server's words, and offers a new link.
 */
@Component({
  selector: 'app-reset-password-page',
  imports: [TextField, Button, RouterLink],
  templateUrl: './reset-password-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ResetPasswordPage {
  private readonly account = inject(AccountStore);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  private readonly submission = formSubmission();
  private readonly problemBox = viewChild<ElementRef<HTMLElement>>('problemBox');

  /** From the query string (component input binding). */
  readonly token = input<string>();

  private readonly model = signal({ newPassword: '' });
  protected readonly form = form(this.model, (path) => validateStandardSchema(path.newPassword, Password));
  protected readonly error = this.submission.error;
  protected readonly passwordHint = PASSWORD_POLICY_HINT;

  /** The server's verdict on the link, once it gave one. */
  private readonly refusedLink = signal<LinkProblem | null>(null);
  /** An incomplete link is told at once, without asking the server. */
  protected readonly problem = computed<LinkProblem | null>(() => {
    const parsed = LinkToken.safeParse(this.token() ?? '');
    return parsed.success ? this.refusedLink() : { message: parsed.error.issues[0]?.message ?? 'This link is not valid.', used: false };
  });

  protected async reset(event: Event): Promise<void> {
    const token = this.token() ?? '';
    const accepted = await this.submission.submit(event, this.form, {
      send: () => this.account.resetPassword({ token, newPassword: this.model().newPassword }),
      fields: { newPassword: this.form.newPassword },
      refusal: (failure) => {
        const apiError = toApiError(failure);
        if (isDeadLink(apiError)) {
          this.showProblem({ message: apiError.message, used: apiError.appCode === AppErrorCode.ResetTokenUsed });
          return { message: '', fieldErrors: {} }; // told in place of the form, not above it
        }
        return apiError;
      },
    });
    if (!accepted) return;
    const state: PasswordResetState = { passwordReset: true };
    await this.router.navigateByUrl('/login', { state });
  }

  /** The form goes, and with it the focused button: focus moves to the explanation, so it is read first. */
  private showProblem(problem: LinkProblem): void {
    this.refusedLink.set(problem);
    afterNextRender(() => this.problemBox()?.nativeElement.focus(), { injector: this.injector });
  }
}

function isDeadLink(error: ApiError): boolean {
  return error.appCode !== null && DEAD_LINK_CODES.has(error.appCode);
}
