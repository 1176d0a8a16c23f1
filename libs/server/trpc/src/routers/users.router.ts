import { SetRoleInput, User, UsersListInput, UsersPage } from '@app/contracts';
import { adminProcedure, router } from '../trpc';

export const usersRouter = router({
  list: adminProcedure.input(UsersListInput).output(UsersPage).query(({ ctx, input }) => ctx.services.users.list(input)),

  setRole: adminProcedure.input(SetRoleInput).output(User).mutation(({ ctx, input }) => ctx.services.users.setRole(input.userId, input.role)),
});
