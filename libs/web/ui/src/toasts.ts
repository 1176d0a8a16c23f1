import { ChangeDetectionStrategy, Component, inject, Injectable, signal } from '@angular/core';

/** How long a confirmation stays on screen. */
const TOAST_MS = 8_000;

/**
 * Short confirmations ("Added Ada Lovelace.") shown where they move nothing: a fixed corner of
 * the screen, announced politely by screen readers. One at a time; a newer one replaces it.
 */
@Injectable({ providedIn: 'root' })
export class Toasts {
  private readonly current = signal<{ readonly id: number; readonly text: string } | null>(null);
  readonly message = this.current.asReadonly();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private count = 0;

  show(text: string): void {
    clearTimeout(this.timer);
    const id = ++this.count;
    this.current.set({ id, text });
    this.timer = setTimeout(() => this.dismiss(id), TOAST_MS);
  }

  /** Hides the message `id` (default: whatever is shown). */
  dismiss(id = this.current()?.id): void {
    if (id !== undefined && this.current()?.id === id) this.current.set(null);
  }
}

/** Where {@link Toasts} appear; place it once, in the app's root. The live region is always there. */
@Component({
  selector: 'app-toast-outlet',
  template: `
    <div class="region" role="status" aria-live="polite">
      @if (toasts.message(); as toast) {
        <div class="toast">
          <span>{{ toast.text }}</span>
          <button type="button" class="close" aria-label="Dismiss" (click)="toasts.dismiss(toast.id)">×</button>
        </div>
      }
    </div>
  `,
  styles: `
    .region {
      position: fixed;
      z-index: 20;
      right: 1rem;
      bottom: 1rem;
      left: auto;
      max-width: min(28rem, calc(100vw - 2rem));
      pointer-events: none;
    }
    .toast {
      display: flex;
      align-items: center;
      gap: 0.75rem;
      padding: 0.6rem 0.6rem 0.6rem 1rem;
      border-radius: var(--radius, 8px);
      background: var(--toast-bg, #1d2a44);
      color: #fff;
      box-shadow: 0 6px 24px rgb(0 0 0 / 25%);
      pointer-events: auto;
    }
    .close {
      min-width: 44px;
      min-height: 44px;
      border: none;
      border-radius: var(--radius, 8px);
      background: transparent;
      color: inherit;
      font: inherit;
      font-size: 1.25rem;
      cursor: pointer;
    }
    .close:focus-visible {
      outline: 3px solid var(--focus-on-dark, #f0b429);
      outline-offset: -3px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ToastOutlet {
  protected readonly toasts = inject(Toasts);
}
