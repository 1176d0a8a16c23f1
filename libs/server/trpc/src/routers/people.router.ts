import { CreatePersonInput, DeletePersonResult, PeopleListInput, PeoplePage, Person, PersonIdInput, UpdatePersonInput } from '@app/contracts';
import { adminProcedure, protectedProcedure, router } from '../trpc';

export const peopleRouter = router({
  list: protectedProcedure.input(PeopleListInput).output(PeoplePage).query(({ ctx, input }) => ctx.services.people.list(input)),

  byId: protectedProcedure.input(PersonIdInput).output(Person).query(({ ctx, input }) => ctx.services.people.byId(input.id)),

  create: protectedProcedure.input(CreatePersonInput).output(Person).mutation(({ ctx, input }) => ctx.services.people.create(input)),

  update: protectedProcedure.input(UpdatePersonInput).output(Person).mutation(({ ctx, input }) => ctx.services.people.update(input)),

  delete: adminProcedure.input(PersonIdInput).output(DeletePersonResult).mutation(({ ctx, input }) => ctx.services.people.remove(input.id)),
});
