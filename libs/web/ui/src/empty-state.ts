import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/**
 * What a page or list shows when there is nothing (yet): a heading, a sentence saying why, and
 * what the user can do about it (projected: links or buttons).
 */
@Component({
  selector: 'app-empty-state',
  template: `
    <p class="heading">{{ heading() }}</p>
    <div class="body"><ng-content /></div>
  `,
  styles: `
    :host {
      display: block;
      padding: 2rem 1rem;
      text-align: center;
      color: var(--muted, #5b6677);
    }
    .heading {
      margin: 0 0 0.35rem;
      font-size: 1.05rem;
      font-weight: 600;
      color: var(--text, #1c2430);
    }
    .body {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 0.75rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EmptyState {
  readonly heading = input.required<string>();
}
