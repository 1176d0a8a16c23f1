import { Location } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { Button, EmptyState } from '@app/web-ui';

/** Any unknown address inside the app: says which, and offers the ways on. */
@Component({
  selector: 'app-not-found',
  imports: [RouterLink, Button, EmptyState],
  template: `
    <header class="page-header"><h1>Page not found</h1></header>
    <section class="card">
      <app-empty-state [heading]="'There is nothing at ' + path">
        <p>The link may be mistyped, or the page may have moved.</p>
        <div class="form-actions">
          <button appButton type="button" (click)="back()">Go back</button>
          <a appButton variant="primary" routerLink="/people">Go to people</a>
        </div>
      </app-empty-state>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotFound {
  private readonly location = inject(Location);
  /** The unmatched address (this route matches everything under the shell). */
  protected readonly path = '/' + inject(ActivatedRoute).snapshot.url.map((segment) => segment.path).join('/');

  protected back(): void {
    this.location.back();
  }
}
