import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { type FieldTree, FormField } from '@angular/forms/signals';
import { FieldErrors } from './field-errors';

/**
 * One labelled text input bound to a signal-forms field, with an optional hint and the field's
 * messages. The input is `aria-invalid` once the user has left it or tried to submit, and
 * described by the hint and the messages, so screen readers read them with the field.
 *
 * ```html
 * <app-text-field label="Email" controlId="login-email" type="email" autocomplete="username" [field]="form.email" />
 * ```
 * The messages list has the id `<controlId>-errors`, the hint `<controlId>-hint`.
 */
@Component({
  selector: 'app-text-field',
  imports: [FormField, FieldErrors],
  template: `
    <label [for]="controlId()">{{ label() }}</label>
    <input
      [id]="controlId()"
      [type]="type()"
      [attr.autocomplete]="autocomplete()"
      [formField]="field()"
      [attr.aria-invalid]="invalid()"
      [attr.aria-describedby]="describedBy()"
    />
    @if (hint(); as text) {
      <p class="hint" [id]="controlId() + '-hint'">{{ text }}</p>
    }
    <app-field-errors [field]="field()" [listId]="controlId() + '-errors'" />
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      gap: 0.3rem;
      margin-bottom: 1rem;
    }
    label {
      font-weight: 600;
    }
    input {
      box-sizing: border-box;
      min-height: 2.5rem;
      min-width: 0;
      padding: 0.45rem 0.65rem;
      border: 1px solid var(--control-border, #b8c1cf);
      border-radius: var(--radius, 8px);
      background: var(--surface, #fff);
      color: var(--text, #1c2430);
      font: inherit;
    }
    input:focus-visible {
      outline: 3px solid var(--focus, #b45309);
      outline-offset: 2px;
    }
    input[aria-invalid='true'] {
      border-color: var(--danger, #b42318);
    }
    .hint {
      margin: 0;
      font-size: 0.85rem;
      color: var(--muted, #5b6677);
    }
    @media (max-width: 720px), (pointer: coarse) {
      input {
        min-height: 44px;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TextField {
  readonly label = input.required<string>();
  readonly controlId = input.required<string>();
  readonly field = input.required<FieldTree<string>>();
  readonly type = input<'text' | 'email' | 'password'>('text');
  readonly autocomplete = input('off');
  readonly hint = input<string>();

  protected readonly invalid = computed(() => {
    const state = this.field()();
    return state.touched() && state.invalid();
  });
  protected readonly describedBy = computed(() => `${this.hint() ? `${this.controlId()}-hint ` : ''}${this.controlId()}-errors`);
}
