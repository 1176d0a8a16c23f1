import { SetRoleInput, UsersListInput } from '@app/contracts';
import { listUsers } from '@app/server-data-access';
import { AppError } from '../errors';
import { adminProcedure, router } from '../trpc';

function decodeEmailCursor(cursor: string): string {
  const email = Buffer.from(cursor, 'base64url').toString('utf8');
  // NUL cannot reach PostgreSQL text (the query would fail with a 500); no issued cursor holds one.
  if (!email.includes('@') || email.length > 254 || email.includes('\u0000')) {
    throw new AppError('BAD_REQUEST', 'INVALID_INPUT', 'The cursor is invalid');
  }
  return email;
}

export const usersRouter = router({
  list: adminProcedure.input(UsersListInput).query(async ({ ctx, input }) => {
    const page = await listUsers(ctx.services.db, {
      afterEmail: input.cursor === undefined ? undefined : decodeEmailCursor(input.cursor),
      limit: input.limit,
    });
    return { items: page.items, nextCursor: page.nextEmail === null ? null : Buffer.from(page.nextEmail).toString('base64url') };
  }),

  setRole: adminProcedure.input(SetRoleInput).mutation(({ ctx, input }) => ctx.services.users.setRole(input.userId, input.role)),
});
