import { AuthEventsPage, SetRoleInput, User, UserEventsInput, UsersListInput, UsersPage } from '@app/contracts';
import { adminProcedure, router } from '../trpc';

export const usersRouter = router({
  list: adminProcedure.input(UsersListInput).output(UsersPage).query(({ ctx, input }) => ctx.services.users.list(input)),

  setRole: adminProcedure
    .input(SetRoleInput)
    .output(User)
    .mutation(({ ctx, input }) => ctx.services.users.setRole(input.userId, input.role, { userId: ctx.user.id, client: ctx.client })),

  /** One user's auth events, newest first (404 for no such user). */
  events: adminProcedure.input(UserEventsInput).output(AuthEventsPage).query(({ ctx, input }) => ctx.services.authEvents.listForUser(input.userId, input)),
});
