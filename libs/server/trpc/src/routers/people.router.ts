import { CreatePersonInput, PeopleListInput, PersonIdInput, UpdatePersonInput } from '@app/contracts';
import { adminProcedure, protectedProcedure, router } from '../trpc';

export const peopleRouter = router({
  list: protectedProcedure.input(PeopleListInput).query(({ ctx, input }) => ctx.services.people.list(input)),

  byId: protectedProcedure.input(PersonIdInput).query(({ ctx, input }) => ctx.services.people.byId(input.id)),

  create: protectedProcedure.input(CreatePersonInput).mutation(({ ctx, input }) => ctx.services.people.create(input)),

  update: protectedProcedure.input(UpdatePersonInput).mutation(({ ctx, input }) => ctx.services.people.update(input)),

  delete: adminProcedure.input(PersonIdInput).mutation(({ ctx, input }) => ctx.services.people.remove(input.id)),
});
