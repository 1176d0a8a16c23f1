import { CreatePersonInput, PeopleListInput, PersonIdInput, UpdatePersonInput } from '@app/contracts';
import { deletePerson, findPersonById, insertPerson, listPeople, updatePerson } from '@app/server-data-access';
import { NotFoundError } from '../errors';
import { adminProcedure, protectedProcedure, router } from '../trpc';

export const peopleRouter = router({
  list: protectedProcedure.input(PeopleListInput).query(({ ctx, input }) => listPeople(ctx.services.db, input)),

  byId: protectedProcedure.input(PersonIdInput).query(async ({ ctx, input }) => {
    const person = await findPersonById(ctx.services.db, input.id);
    if (!person) throw new NotFoundError('Person');
    return person;
  }),

  create: protectedProcedure.input(CreatePersonInput).mutation(({ ctx, input }) => insertPerson(ctx.services.db, input)),

  update: protectedProcedure.input(UpdatePersonInput).mutation(async ({ ctx, input }) => {
    const person = await updatePerson(ctx.services.db, input);
    if (!person) throw new NotFoundError('Person');
    return person;
  }),

  delete: adminProcedure.input(PersonIdInput).mutation(async ({ ctx, input }) => {
    if (!(await deletePerson(ctx.services.db, input.id))) throw new NotFoundError('Person');
    return { id: input.id };
  }),
});
