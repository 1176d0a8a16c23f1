import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { Button } from './button';
import { Spinner } from './spinner';

/**
 * The foot of a paged list: how many rows are shown, and "Load more" while the server has more.
 * The button stays focusable while the next page loads (it is `busy`, not disabled), so keyboard
 * focus is never dropped; the list moves focus to the first new row once it arrives.
 *
 * ```html
 * <app-load-more [shown]="rows().length" one="person" many="people" [hasMore]="…" [loading]="…" (loadMore)="…" />
 * ```
 */
@Component({
  selector: 'app-load-more',
  imports: [Button, Spinner],
  template: `
    @if (hasMore()) {
      <button appButton type="button" [busy]="loading()" (click)="loadMore.emit()">
        @if (loading()) {
          <app-spinner /> Loading…
        } @else {
          Load more
        }
      </button>
    }
    <p class="count" role="status">{{ summary() }}</p>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 0.5rem;
      margin-top: 1rem;
    }
    .count {
      margin: 0;
      font-size: 0.875rem;
      color: var(--muted, #5b6677);
      text-align: center;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoadMore {
  /** How many rows are on screen. */
  readonly shown = input.required<number>();
  /** The row's name, singular and plural: "person", "people". */
  readonly one = input.required<string>();
  readonly many = input.required<string>();
  readonly hasMore = input.required<boolean>();
  readonly loading = input(false);
  readonly loadMore = output<void>();

  protected readonly summary = computed(() => {
    const count = this.shown();
    return `Showing ${count} ${count === 1 ? this.one() : this.many()}${this.hasMore() ? '; more to load' : ''}.`;
  });
}
