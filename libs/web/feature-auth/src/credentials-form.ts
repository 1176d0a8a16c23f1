import { effect, inject, type Signal, signal, untracked } from '@angular/core';
import { type FieldTree, form, validateStandardSchema } from '@angular/forms/signals';
import { Router } from '@angular/router';
import { AppErrorCode, type LoginInput, type SignupInput } from '@app/contracts';
import { AuthStore, safeReturnUrl, toApiError } from '@app/web-data-access';
import { formSubmission } from '@app/web-ui';

/** What both pages send: `LoginInput` and `SignupInput` share this shape, with different rules. */
type Credentials = LoginInput;

export interface CredentialsForm {
  readonly form: FieldTree<Credentials>;
  /** The server's message when it refused the credentials. */
  readonly serverError: Signal<string | null>;
  /** The form's `(submit)` handler. */
  submit(event: Event): Promise<void>;
}

/**
 * What the sign-in and sign-up pages share: an email and password form validated by `schema`,
 * `send` when it is valid, the server's message (or its per-field errors, under their fields) when
 * it is refused, focus on the first invalid field, and going on to `returnUrl` once signed in (here or in another tab).
 * Call it from a field initializer: it injects.
 */
export function credentialsForm(
  schema: typeof LoginInput | typeof SignupInput,
  send: (credentials: Credentials) => Promise<unknown>,
  returnUrl: Signal<string | undefined>,
): CredentialsForm {
  const auth = inject(AuthStore);
  const router = inject(Router);
  const submission = formSubmission();
  const model = signal<Credentials>({ email: '', password: '' });
  const fields = form(model, (path) => validateStandardSchema(path, schema));

  effect(() => {
    if (auth.isSignedIn()) untracked(() => void router.navigateByUrl(safeReturnUrl(returnUrl())));
  });

  return {
    form: fields,
    serverError: submission.error,
    async submit(event: Event): Promise<void> {
      await submission.submit(event, fields, {
        send: () => send(model()),
        fields: { email: fields.email, password: fields.password },
        refusal: (error) => {
          const apiError = toApiError(error);
          // "Email taken" belongs to the email field: shown under it, read with it, focused.
          return apiError.appCode === AppErrorCode.EmailTaken ? { ...apiError, fieldErrors: { email: [apiError.message] } } : apiError;
        },
      });
    },
  };
}
