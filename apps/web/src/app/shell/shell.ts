import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, inject, viewChild } from '@angular/core';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { AuthStore } from '@app/web-data-access';
import { filter } from 'rxjs';

/**
 * The signed-in layout: a sidebar (a top bar on narrow screens) with navigation, the user and
 * "Sign out", and the page. After each navigation focus moves to the page, so screen-reader and
 * keyboard users start at the new content.
 */
@Component({
  selector: 'app-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  templateUrl: './shell.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Shell {
  protected readonly auth = inject(AuthStore);
  private readonly main = viewChild.required<ElementRef<HTMLElement>>('main');

  constructor() {
    let first = true;
    const subscription = inject(Router)
      .events.pipe(filter((event) => event instanceof NavigationEnd))
      .subscribe(() => {
        if (first) {
          first = false;
          return;
        }
        setTimeout(() => this.main().nativeElement.focus({ preventScroll: true }));
      });
    inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
  }

  protected signOut(): void {
    void this.auth.logout();
  }
}
