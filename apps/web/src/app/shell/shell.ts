import { ChangeDetectionStrategy, Component, ElementRef, inject, viewChild } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { AuthStore } from '@app/web-data-access';
import { VerifyEmailBanner } from '@app/web-feature-account';
import { Button, ToastOutlet } from '@app/web-ui';
import { filter, map, skip } from 'rxjs';

/**
 * The signed-in layout: a sidebar (a top bar on narrow screens) with the product name,
 * navigation, the user and "Sign out", and the page, under a banner while the user's email is
 * unverified (except on the account page, which shows the same state and button). After each navigation focus moves to the
 * page, so screen-reader and keyboard users start at the new content (unless the page has
 * already put focus somewhere inside itself, e.g. on the row just saved).
 */
@Component({
  selector: 'app-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, Button, ToastOutlet, VerifyEmailBanner],
  templateUrl: './shell.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Shell {
  protected readonly auth = inject(AuthStore);
  private readonly main = viewChild.required<ElementRef<HTMLElement>>('main');
  private readonly router = inject(Router);
  protected readonly onAccountPage = toSignal(
    this.router.events.pipe(
      filter((event) => event instanceof NavigationEnd),
      map((event) => isAccountPage(event.urlAfterRedirects)),
    ),
    // The shell is created while the navigation into it is under way: where it goes is where we are.
    { initialValue: isAccountPage(this.router.serializeUrl(this.router.currentNavigation()?.finalUrl ?? this.router.parseUrl(this.router.url))) },
  );

  constructor() {
    this.router.events
      .pipe(
        filter((event) => event instanceof NavigationEnd),
        skip(1), // the navigation that opened the shell: focus stays where the browser put it
        takeUntilDestroyed(),
      )
      .subscribe(() =>
        setTimeout(() => {
          const main = this.main().nativeElement;
          if (!main.contains(document.activeElement)) main.focus({ preventScroll: true });
        }),
      );
  }

  protected signOut(): void {
    void this.auth.logout();
  }
}

function isAccountPage(url: string): boolean {
  return url.split(/[?#]/)[0] === '/account';
}
