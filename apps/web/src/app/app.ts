import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { AuthStore } from '@app/web-data-access';

/** The root: the router outlet, and a quiet notice while the session is being restored. */
@Component({
  selector: 'app-root',
  imports: [RouterOutlet],
  template: `
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
