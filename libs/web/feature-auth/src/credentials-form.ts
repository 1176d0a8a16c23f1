import { effect, ElementRef, inject, type Signal, signal, untracked } from '@angular/core';
import { type FieldTree, form, submit, validateStandardSchema } from '@angular/forms/signals';
import { Router } from '@angular/router';
import type { LoginInput, SignupInput } from '@app/contracts';
import { AuthStore, safeReturnUrl, toApiError } from '@app/web-data-access';
import { focusFirstInvalid, serverFieldErrors } from '@app/web-ui';

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
 * `send` when it is valid, the server's message and per-field errors when it is refused, focus on
 * the first invalid field, and going on to `returnUrl` once signed in (here or in another tab).
 * Call it from a field initializer: it injects.
 */
export function credentialsForm(
  schema: typeof LoginInput | typeof SignupInput,
  send: (credentials: Credentials) => Promise<unknown>,
  returnUrl: Signal<string | undefined>,
): CredentialsForm {
  const auth = inject(AuthStore);
  const router = inject(Router);
  const host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  const model = signal<Credentials>({ email: '', password: '' });
  const fields = form(model, (path) => validateStandardSchema(path, schema));
  const serverError = signal<string | null>(null);

  effect(() => {
    if (auth.isSignedIn()) untracked(() => void router.navigateByUrl(safeReturnUrl(returnUrl())));
  });

  return {
    form: fields,
    serverError: serverError.asReadonly(),
    async submit(event: Event): Promise<void> {
      event.preventDefault();
      serverError.set(null);
      await submit(fields, {
        action: async () => {
          try {
            await send(model());
            return undefined;
          } catch (error) {
            const apiError = toApiError(error);
            serverError.set(apiError.message);
            return serverFieldErrors(apiError.fieldErrors, { email: fields.email, password: fields.password });
          }
        },
        onInvalid: () => setTimeout(() => focusFirstInvalid(host)),
      });
    },
  };
}
