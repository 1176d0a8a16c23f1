import * as z from 'zod';
import { Role, User } from './auth.schemas';
import { Cursor, PAGE_LIMIT_DEFAULT, PageLimit, pageOf } from './pagination.schemas';

export const UsersListInput = z
  .strictObject({ cursor: Cursor.optional(), limit: PageLimit })
  .default({ limit: PAGE_LIMIT_DEFAULT });
export type UsersListInput = z.input<typeof UsersListInput>;

export const UsersPage = pageOf(User);
export type UsersPage = z.infer<typeof UsersPage>;

export const SetRoleInput = z.strictObject({
  userId: z.uuid({ error: 'User id must be a UUID' }),
  role: Role,
});
export type SetRoleInput = z.input<typeof SetRoleInput>;
