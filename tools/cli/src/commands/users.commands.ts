import { type Role, type User, UUID_PATTERN } from '@app/contracts';
import { type Command, flag, stringOption } from '../cli-command';
import { CliError, ExitCode, UsageError } from '../cli-errors';
import { renderTable } from '../cli-output';
import { PAGE_SIZE_FOR_ALL, pageLimit, readPages } from '../read-pages';

function usersTable(users: User[]): string {
  if (users.length === 0) return 'No users.';
  return renderTable(users, [
    { header: 'ID', value: (u) => u.id },
    { header: 'EMAIL', value: (u) => u.email },
    { header: 'ROLE', value: (u) => u.role },
  ]);
}

export const usersListCommand: Command = {
  words: ['users', 'list'],
  usage: '[--limit <n>] [--cursor <cursor>] [--all]',
  summary: 'List accounts (admins only)',
  options: { limit: { type: 'string' }, cursor: { type: 'string' }, all: { type: 'boolean' } },
  async run({ api, out, options }) {
    const limit = pageLimit(options);
    const result = await readPages((cursor) => api.users.list.query({ cursor, limit }), {
      cursor: stringOption(options, 'cursor'),
      all: flag(options, 'all'),
    });
    out.result(result, () => usersTable(result.items));
    if (result.nextCursor) out.note(`More users: add --cursor ${result.nextCursor} for the next page, or --all.`);
  },
};

export const usersSetRoleCommand: Command = {
  words: ['users', 'set-role'],
  usage: '<user-id|email> <user|admin>',
  summary: 'Change an account’s role (admins only); this ends that account’s sessions',
  args: { min: 2, max: 2 },
  async run({ api, out, args }) {
    const [who = '', roleText = ''] = args;
    if (roleText !== 'user' && roleText !== 'admin') throw new UsageError(`The role must be "user" or "admin", not "${roleText}"`);
    const role: Role = roleText;
    let userId = who;
    if (!UUID_PATTERN.test(who.toLowerCase())) {
      const email = who.trim().toLowerCase();
      const { items } = await readPages((cursor) => api.users.list.query({ cursor, limit: PAGE_SIZE_FOR_ALL }), {
        cursor: undefined,
        all: true,
        stop: (u) => u.email === email,
      });
      const found = items.find((u) => u.email === email);
      if (!found) throw new CliError(`No account with the email ${who}.`, ExitCode.NotFound);
      userId = found.id;
    }
    const user = await api.users.setRole.mutate({ userId, role });
    out.result(user, () => `${user.email} is now ${user.role}.`);
  },
};
