import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { type FieldTree, FormField } from '@angular/forms/signals';

/**
 * One labelled checkbox bound to a signal-forms field, with an optional hint read with it.
 *
 * ```html
 * <app-checkbox-field label="Sign out my other devices" controlId="sign-out-others" [field]="form.signOutOtherDevices" />
 * ```
 * A native checkbox (keyboard, screen readers and forms behave as usual) drawn by hand, so that the
 * box itself is a 44 px target on every screen while looking like an ordinary 20 px box; the
 * label toggles it too.
 */
@Component({
  selector: 'app-checkbox-field',
  imports: [FormField],
  template: `
    <input type="checkbox" [id]="controlId()" [formField]="field()" [attr.aria-describedby]="describedBy()" />
    <label [for]="controlId()">{{ label() }}</label>
    @if (hint(); as text) {
      <p class="hint" [id]="controlId() + '-hint'">{{ text }}</p>
    }
  `,
  styles: `
    :host {
      display: grid;
      grid-template-columns: 44px minmax(0, 1fr);
      align-items: center;
      column-gap: 0.25rem;
      margin: -0.25rem 0 1rem -12px;
    }
    input {
      appearance: none;
      display: grid;
      place-items: center;
      box-sizing: border-box;
      width: 44px;
      height: 44px;
      min-height: 0;
      margin: 0;
      padding: 0;
      border: none;
      border-radius: var(--radius, 8px);
      background: transparent;
      cursor: pointer;
    }
    /* The box, and the tick inside it, drawn on the input itself (both in one grid cell). */
    input::before,
    input::after {
      content: '';
      grid-area: 1 / 1;
    }
    input::before {
      box-sizing: border-box;
      width: 1.25rem;
      height: 1.25rem;
      border: 2px solid var(--control-border-hover, #7d8898);
      border-radius: 4px;
      background: var(--surface, #fff);
    }
    input::after {
      width: 0.35rem;
      height: 0.7rem;
      margin-top: -0.15rem;
      border: solid var(--primary-text, #fff);
      border-width: 0 3px 3px 0;
      transform: rotate(45deg);
      visibility: hidden;
    }
    input:checked::before {
      border-color: var(--primary, #2451b7);
      background: var(--primary, #2451b7);
    }
    input:checked::after {
      visibility: visible;
    }
    input:focus-visible {
      outline: 3px solid var(--focus, #b45309);
      outline-offset: -6px;
    }
    label {
      font-weight: 600;
      cursor: pointer;
    }
    .hint {
      grid-column: 2;
      margin: 0;
      font-size: 0.85rem;
      color: var(--muted, #5b6677);
    }
    @media (forced-colors: active) {
      input:checked::before {
        background: Highlight;
      }
      input::after {
        border-color: HighlightText;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CheckboxField {
  readonly label = input.required<string>();
  readonly controlId = input.required<string>();
  readonly field = input.required<FieldTree<boolean>>();
  readonly hint = input<string>();

  protected readonly describedBy = computed(() => (this.hint() ? `${this.controlId()}-hint` : null));
}
