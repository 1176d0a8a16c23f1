import type { FieldTree, ValidationError } from '@angular/forms/signals';

/**
 * Turns the server's per-field messages (its zod `fieldErrors`) into signal-forms submission
 * errors on the matching fields, so they show where the browser's own checks would.
 */
export function serverFieldErrors(
  fieldErrors: Readonly<Record<string, readonly string[]>>,
  fields: Readonly<Partial<Record<string, FieldTree<unknown>>>>,
): ValidationError.WithOptionalFieldTree[] {
  return Object.entries(fieldErrors).flatMap(([name, messages]) => {
    const fieldTree = fields[name];
    return fieldTree ? messages.map((message) => ({ kind: 'server', message, fieldTree })) : [];
  });
}

/** Moves focus to the first invalid control inside `host`, so keyboard and screen-reader users land on the problem. */
export function focusFirstInvalid(host: HTMLElement): void {
  host.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}
