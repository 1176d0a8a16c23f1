import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { AuthStore } from '@app/web-data-access';
import { NavigationFailureNotice } from './navigation-failure';

/** The root: the router outlet, a quiet notice while the session is being restored, and failed navigations. */
@Component({
  selector: 'app-root',
  imports: [RouterOutlet, NavigationFailureNotice],
  template: `
    <app-navigation-failure />
    @if (auth.status() === 'restoring') {
      <p class="boot" role="status">Loading…</p>
    }
    <router-outlet />
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  protected readonly auth = inject(AuthStore);
}
