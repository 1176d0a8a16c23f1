import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Button, EmptyState } from '@app/web-ui';

/** Where a role check sends a signed-in user who lacks the role: a 403 is never a sign-out. */
@Component({
  selector: 'app-not-allowed',
  imports: [RouterLink, Button, EmptyState],
  template: `
    <header class="page-header"><h1>Not allowed</h1></header>
    <section class="card">
      <app-empty-state heading="You are not allowed to see this page">
        <p>It is for admins. An admin can give your account that role on the Users page.</p>
        <a appButton variant="primary" routerLink="/people">Go to people</a>
      </app-empty-state>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotAllowed {}
