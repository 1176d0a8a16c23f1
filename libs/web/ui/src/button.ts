import { booleanAttribute, ChangeDetectionStrategy, Component, input } from '@angular/core';

export type ButtonVariant = 'default' | 'primary' | 'danger';

/**
 * The app's button, on a native `<button>` or a link styled as one:
 * `<button appButton variant="primary" [busy]="saving()">Save</button>`.
 *
 * `busy` marks the button `aria-disabled` and swallows clicks (and the form submission they would
 * start) instead of setting `disabled`: a disabled button drops keyboard focus to `<body>`, so the
 * user would lose their place every time a request is under way.
 * Touch targets are at least 44 px on narrow or touch screens.
 */
@Component({
  selector: 'button[appButton], a[appButton]',
  template: '<ng-content />',
  styles: `
    :host {
      display: inline-flex;
      align-items: center;
      justify-content: center;
      gap: 0.35rem;
      box-sizing: border-box;
      min-height: 2.5rem;
      padding: 0.45rem 1rem;
      border: 1px solid var(--control-border, #b8c1cf);
      border-radius: var(--radius, 8px);
      background: var(--surface, #fff);
      color: var(--text, #1c2430);
      font: inherit;
      line-height: 1.25;
      text-decoration: none;
      white-space: nowrap;
      cursor: pointer;
    }
    :host(:hover) {
      border-color: var(--control-border-hover, #7d8898);
    }
    :host(:focus-visible) {
      outline: 3px solid var(--focus, #b45309);
      outline-offset: 2px;
    }
    :host(.primary) {
      background: var(--primary, #2451b7);
      border-color: var(--primary, #2451b7);
      color: var(--primary-text, #fff);
    }
    :host(.danger) {
      color: var(--danger, #b42318);
      border-color: var(--danger-border, #e0958d);
    }
    :host(.small) {
      min-height: 2rem;
      padding: 0.2rem 0.65rem;
      font-size: 0.875rem;
    }
    :host(.wide) {
      width: 100%;
    }
    :host(:disabled),
    :host([aria-disabled='true']) {
      opacity: 0.65;
      cursor: not-allowed;
    }
    @media (max-width: 720px), (pointer: coarse) {
      :host,
      :host(.small) {
        min-height: 44px;
        min-width: 44px;
      }
    }
  `,
  host: {
    '[class.primary]': "variant() === 'primary'",
    '[class.danger]': "variant() === 'danger'",
    '[class.small]': "size() === 'small'",
    '[class.wide]': 'wide()',
    '[attr.aria-disabled]': "busy() ? 'true' : null",
    '[attr.aria-busy]': "busy() ? 'true' : null",
    '(click)': 'swallowWhileBusy($event)',
  },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Button {
  readonly variant = input<ButtonVariant>('default');
  readonly size = input<'normal' | 'small'>('normal');
  readonly wide = input(false, { transform: booleanAttribute });
  /** A request started by this button is under way: it stays focusable but does nothing. */
  readonly busy = input(false, { transform: booleanAttribute });

  protected swallowWhileBusy(event: Event): void {
    if (!this.busy()) return;
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}
