import { afterNextRender, ChangeDetectionStrategy, Component, computed, effect, ElementRef, inject, Injector, input, signal, untracked } from '@angular/core';
import { form, submit, validateStandardSchema } from '@angular/forms/signals';
import { Router, RouterLink } from '@angular/router';
import { CreatePersonInput } from '@app/contracts';
import { AuthStore, PeopleStore, toApiError } from '@app/web-data-access';
import { isEmailNotVerified, VerificationRequired, whenEmailVerified } from '@app/web-feature-account';
import { Button, focusFirstInvalid, serverFieldErrors, TextField, Toasts } from '@app/web-ui';
import type { PeopleListNavigationState } from '../people-list/people-list';

/**
 * Create (`/people/new`) or edit (`/people/:id/edit`) one person, validated by the shared schema.
 * Saving says so, and goes back to the list as the user left it (same search), with the row in view.
 * A person the server refuses to show until the address is verified (REQUIRE_EMAIL_VERIFICATION)
 * makes the page say so, and it loads by itself once the address is verified.
 */
@Component({
  selector: 'app-person-form',
  imports: [TextField, Button, RouterLink, VerificationRequired],
  templateUrl: './person-form.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PersonForm {
  private readonly people = inject(PeopleStore);
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  private readonly toasts = inject(Toasts);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  /** The `:id` route parameter; absent when creating. */
  readonly id = input<string>();

  protected readonly personId = computed(() => {
    const id = Number(this.id());
    return Number.isInteger(id) && id > 0 ? id : null;
  });
  protected readonly editing = computed(() => this.id() !== undefined);
  protected readonly model = signal<CreatePersonInput>({ firstName: '', lastName: '' });
  protected readonly form = form(this.model, (path) => validateStandardSchema(path, CreatePersonInput));
  protected readonly loading = signal(false);
  protected readonly loadError = signal<string | null>(null);
  /** The person was refused because the address is not verified: true until a load succeeds. */
  private readonly refusedUnverified = signal(false);
  protected readonly verificationRequired = computed(() => this.refusedUnverified() && this.auth.user()?.emailVerified === false);
  protected readonly serverError = signal<string | null>(null);
  /** Back to the list with the search the user had. */
  protected readonly listQuery = computed(() => {
    const q = this.people.list.requestedQuery();
    return q ? { q } : {};
  });

  constructor() {
    effect(() => {
      const id = this.personId();
      const editing = this.editing();
      untracked(() => {
        if (editing && id === null) this.loadError.set('Person not found');
        else if (id !== null) void this.load(id);
      });
    });
    whenEmailVerified(() => {
      const id = this.personId();
      if (this.refusedUnverified() && id !== null) void this.load(id);
    });
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    this.serverError.set(null);
    await submit(this.form, {
      action: async () => {
        const id = this.personId();
        try {
          const person = id === null ? await this.people.create(this.model()) : await this.people.update(id, this.model());
          this.toasts.show(`${id === null ? 'Added' : 'Saved'} ${person.firstName} ${person.lastName}.`);
          const state: PeopleListNavigationState = { focusPersonId: person.id };
          await this.router.navigate(['/people'], { queryParams: this.listQuery(), state });
          return undefined;
        } catch (error) {
          const apiError = toApiError(error);
          this.serverError.set(apiError.message);
          return serverFieldErrors(apiError.fieldErrors, { firstName: this.form.firstName, lastName: this.form.lastName });
        }
      },
      onInvalid: () => afterNextRender(() => focusFirstInvalid(this.host.nativeElement), { injector: this.injector }),
    });
  }

  private async load(id: number): Promise<void> {
    this.loading.set(true);
    this.loadError.set(null);
    try {
      const person = await this.people.byId(id);
      this.refusedUnverified.set(false);
      this.model.set({ firstName: person.firstName, lastName: person.lastName });
    } catch (error) {
      const apiError = toApiError(error);
      this.refusedUnverified.set(isEmailNotVerified(apiError));
      if (!this.refusedUnverified()) this.loadError.set(apiError.message);
    } finally {
      this.loading.set(false);
    }
  }
}
