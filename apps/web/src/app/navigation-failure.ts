import { ChangeDetectionStrategy, Component, DestroyRef, inject, Injectable, signal } from '@angular/core';
import { NavigationEnd, type NavigationError, Router } from '@angular/router';

/** What browsers throw when a lazily loaded chunk cannot be fetched (Chromium, Firefox, Safari). */
const CHUNK_LOAD_ERROR = /dynamically imported module|Importing a module script failed|error loading dynamically imported module/i;

export interface FailedNavigation {
  /** Where the user was going. */
  readonly url: string;
  /** The page's code could not be downloaded (offline, server down, or an old tab after a deploy). */
  readonly codeMissing: boolean;
}

/**
 * Navigations that failed (most often: a page's code could not be downloaded). The router hands
 * them here instead of failing silently; the app says so and offers to try again, and tries again
 * by itself when the browser comes back online.
 */
@Injectable({ providedIn: 'root' })
export class NavigationFailures {
  private readonly router = inject(Router);
  private readonly failed = signal<FailedNavigation | null>(null);
  readonly failure = this.failed.asReadonly();

  constructor() {
    const subscription = this.router.events.subscribe((event) => {
      if (event instanceof NavigationEnd) this.failed.set(null);
    });
    const retryOnline = () => {
      if (this.failed()?.codeMissing) this.retry();
    };
    globalThis.addEventListener?.('online', retryOnline);
    inject(DestroyRef).onDestroy(() => {
      subscription.unsubscribe();
      globalThis.removeEventListener?.('online', retryOnline);
    });
  }

  /** For `withNavigationErrorHandler`. */
  report(error: NavigationError): void {
    const cause: unknown = error.error;
    const message = cause instanceof Error ? cause.message : String(cause);
    this.failed.set({ url: error.url, codeMissing: CHUNK_LOAD_ERROR.test(message) });
  }

  retry(): void {
    const failure = this.failed();
    if (!failure) return;
    this.failed.set(null);
    void this.router.navigateByUrl(failure.url);
  }

  dismiss(): void {
    this.failed.set(null);
  }
}

/**
 * The notice for a failed navigation, with Retry. Fixed on screen, so it moves nothing. Part of
 * the initial bundle (it must work when nothing else could be loaded), so it uses plain buttons.
 */
@Component({
  selector: 'app-navigation-failure',
  template: `
    @if (failures.failure(); as failure) {
      <div class="navigation-failure" role="alert">
        <p>
          @if (failure.codeMissing) {
            This page could not be loaded: the app could not download it. Check your connection; it will try again when you are back online.
          } @else {
            This page could not be opened because something went wrong.
          }
        </p>
        <div class="form-actions">
          <button type="button" class="plain-button" (click)="failures.dismiss()">Dismiss</button>
          <button type="button" class="plain-button primary" (click)="failures.retry()">Try again</button>
        </div>
      </div>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NavigationFailureNotice {
  protected readonly failures = inject(NavigationFailures);
}
