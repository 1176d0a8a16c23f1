import { AuthEventsPage, SetRoleInput, User, UserEventsInput, UsersListInput, UsersPage } from '@app/contracts';
import { checkedOutput } from '../checked-output';
import { adminProcedure, router } from '../trpc';

export const usersRouter = router({
  list: adminProcedure.input(UsersListInput).query(async ({ ctx, input }) => checkedOutput(UsersPage, await ctx.services.users.list(input))),

  setRole: adminProcedure.input(SetRoleInput).mutation(async ({ ctx, input }) =>
    checkedOutput(User, await ctx.services.users.setRole(input.userId, input.role, { userId: ctx.user.id, client: ctx.client })),
  ),

  /** One user's auth events, newest first (404 for no such user). */
  events: adminProcedure
    .input(UserEventsInput)
    .query(async ({ ctx, input }) => checkedOutput(AuthEventsPage, await ctx.services.authEvents.listForUser(input.userId, input))),
});
