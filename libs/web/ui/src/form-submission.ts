import { afterNextRender, ElementRef, inject, Injector, type Signal, signal } from '@angular/core';
import { type FieldTree, submit } from '@angular/forms/signals';
import { focusFirstInvalid, serverFieldErrors } from './server-errors';

/** How a refused submission reads: a message, and messages per input field (the server's zod `fieldErrors`). */
export interface Refusal {
  readonly message: string;
  readonly fieldErrors: Readonly<Record<string, readonly string[]>>;
}

export interface SubmitOptions {
  /** Sends the form's value; throws when the server refuses it. */
  readonly send: () => Promise<unknown>;
  /** The fields a server message may land under, by input name. */
  readonly fields: Readonly<Partial<Record<string, FieldTree<unknown>>>>;
  /** Reads a failure (e.g. `toApiError`); may move a message that belongs to a field under it. */
  readonly refusal: (error: unknown) => Refusal;
}

export interface FormSubmission {
  /** The last refusal's message, when it belongs to no field (shown above the form). */
  readonly error: Signal<string | null>;
  /**
   * The form's `(submit)` handler: checks the form, sends it when valid, and on refusal puts the
   * server's per-field messages under their fields (and focuses the first one) or sets `error`.
   * Resolves to whether the server accepted it.
   */
  submit(event: Event, form: FieldTree<unknown>, options: SubmitOptions): Promise<boolean>;
  /** Forgets the last refusal's message. */
  clearError(): void;
}

/**
 * What every form of the app does on submit, in one place: the browser's checks (the shared zod
 * schemas), then the server's answer, shown where it belongs, with focus on the first field at
 * fault so keyboard and screen-reader users land on the problem. Call it from a field
 * initializer: it injects the host element.
 */
export function formSubmission(): FormSubmission {
  const host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  const injector = inject(Injector);
  const error = signal<string | null>(null);
  /** Once the errors are on screen, focus the first field at fault. */
  const focusFirstError = () => afterNextRender(() => focusFirstInvalid(host), { injector });

  return {
    error: error.asReadonly(),
    clearError: () => error.set(null),
    async submit(event: Event, form: FieldTree<unknown>, options: SubmitOptions): Promise<boolean> {
      event.preventDefault();
      error.set(null);
      let accepted = false;
      await submit(form, {
        action: async () => {
          try {
            await options.send();
            accepted = true;
            return undefined;
          } catch (failure) {
            const refusal = options.refusal(failure);
            const errors = serverFieldErrors(refusal.fieldErrors, options.fields);
            if (errors.length > 0) focusFirstError();
            else error.set(refusal.message);
            return errors;
          }
        },
        onInvalid: focusFirstError,
      });
      return accepted;
    },
  };
}
