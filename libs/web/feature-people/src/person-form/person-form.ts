import { ChangeDetectionStrategy, Component, computed, effect, ElementRef, inject, input, signal, untracked } from '@angular/core';
import { form, FormField, submit, validateStandardSchema } from '@angular/forms/signals';
import { Router, RouterLink } from '@angular/router';
import { CreatePersonInput } from '@app/contracts';
import { toApiError, TRPC_CLIENT } from '@app/web-data-access';
import { FieldErrors, focusFirstInvalid, serverFieldErrors } from '@app/web-ui';

/** Create (`/people/new`) or edit (`/people/:id/edit`) one person, validated by the shared schema. */
@Component({
  selector: 'app-person-form',
  imports: [FormField, FieldErrors, RouterLink],
  templateUrl: './person-form.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PersonForm {
  private readonly api = inject(TRPC_CLIENT);
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

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
  protected readonly serverError = signal<string | null>(null);

  constructor() {
    effect(() => {
      const id = this.personId();
      const editing = this.editing();
      untracked(() => {
        if (editing && id === null) this.loadError.set('Person not found');
        else if (id !== null) void this.load(id);
      });
    });
  }

  protected async onSubmit(event: Event): Promise<void> {
    event.preventDefault();
    this.serverError.set(null);
    await submit(this.form, {
      action: async () => {
        const id = this.personId();
        try {
          const input = this.model();
          if (id === null) await this.api.people.create.mutate(input);
          else await this.api.people.update.mutate({ id, ...input });
          await this.router.navigateByUrl('/people');
          return undefined;
        } catch (error) {
          const apiError = toApiError(error);
          this.serverError.set(apiError.message);
          return serverFieldErrors(apiError.fieldErrors, { firstName: this.form.firstName, lastName: this.form.lastName });
        }
      },
      onInvalid: () => setTimeout(() => focusFirstInvalid(this.host.nativeElement)),
    });
  }

  private async load(id: number): Promise<void> {
    this.loading.set(true);
    this.loadError.set(null);
    try {
      const person = await this.api.people.byId.query({ id });
      this.model.set({ firstName: person.firstName, lastName: person.lastName });
    } catch (error) {
      this.loadError.set(toApiError(error).message);
    } finally {
      this.loading.set(false);
    }
  }
}
