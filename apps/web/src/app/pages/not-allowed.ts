import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

/** Where a role check sends a signed-in user who lacks the role: a 403 is never a sign-out. */
@Component({
  selector: 'app-not-allowed',
  imports: [RouterLink],
  template: `
    <header class="page-header"><h1>Not allowed</h1></header>
    <p class="alert" role="alert">You are not allowed to see this page.</p>
    <p><a routerLink="/people">Go to people</a></p>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotAllowed {}
