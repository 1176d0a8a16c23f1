import { ChangeDetectionStrategy, Component, computed, input, type Signal } from '@angular/core';

/** Anything shaped like a signal-forms field: `field().touched()` and `field().errors()`. */
export type FieldWithErrors = () => {
  readonly touched: Signal<boolean>;
  readonly errors: Signal<readonly { readonly message?: string }[]>;
};

/**
 * The messages of one form field, shown once the user has left the field or tried to submit.
 * Give the input `aria-describedby` the same `listId` so screen readers read them with the field.
 */
@Component({
  selector: 'app-field-errors',
  template: `
    @if (messages().length) {
      <ul class="field-errors" [id]="listId()">
        @for (message of messages(); track message) {
          <li>{{ message }}</li>
        }
      </ul>
    }
  `,
  styles: `
    .field-errors {
      margin: 0;
      padding-left: 1.1rem;
      color: var(--danger, #b42318);
      font-size: 0.875rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FieldErrors {
  readonly field = input.required<FieldWithErrors>();
  /** The list's id, for the input's `aria-describedby`. */
  readonly listId = input.required<string>();

  protected readonly messages = computed(() => {
    const state = this.field()();
    if (!state.touched()) return [];
    return [...new Set(state.errors().map((error) => error.message ?? 'Invalid value'))];
  });
}
