import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

/** Any unknown address inside the app. */
@Component({
  selector: 'app-not-found',
  imports: [RouterLink],
  template: `
    <header class="page-header"><h1>Page not found</h1></header>
    <p>There is nothing at this address. <a routerLink="/people">Go to people</a>.</p>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotFound {}
