import { SetRoleInput, UsersListInput } from '@app/contracts';
import { adminProcedure, router } from '../trpc';

export const usersRouter = router({
  list: adminProcedure.input(UsersListInput).query(({ ctx, input }) => ctx.services.users.list(input)),

  setRole: adminProcedure.input(SetRoleInput).mutation(({ ctx, input }) => ctx.services.users.setRole(input.userId, input.role)),
});
