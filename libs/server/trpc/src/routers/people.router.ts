import { CreatePersonInput, DeletePersonResult, PeopleListInput, PeoplePage, Person, PersonIdInput, UpdatePersonInput } from '@app/contracts';
import { checkedOutput } from '../checked-output';
import { adminProcedure, protectedProcedure, router } from '../trpc';

export const peopleRouter = router({
  list: protectedProcedure.input(PeopleListInput).query(async ({ ctx, input }) => checkedOutput(PeoplePage, await ctx.services.people.list(input))),

  byId: protectedProcedure.input(PersonIdInput).query(async ({ ctx, input }) => checkedOutput(Person, await ctx.services.people.byId(input.id))),

  create: protectedProcedure.input(CreatePersonInput).mutation(async ({ ctx, input }) => checkedOutput(Person, await ctx.services.people.create(input))),

  update: protectedProcedure.input(UpdatePersonInput).mutation(async ({ ctx, input }) => checkedOutput(Person, await ctx.services.people.update(input))),

  delete: adminProcedure.input(PersonIdInput).mutation(async ({ ctx, input }) => checkedOutput(DeletePersonResult, await ctx.services.people.remove(input.id))),
});
