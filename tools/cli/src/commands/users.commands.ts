import type { ApiClient } from '@app/api-client';
import type { Role, User, UsersPage } from '@app/contracts';
import { type Command, flag, positiveInt, stringOption } from '../cli-command';
import { CliError, ExitCode, UsageError } from '../cli-errors';
import { renderTable } from '../cli-output';

const PAGE_SIZE_FOR_ALL = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function usersTable(users: User[]): string {
  if (users.length === 0) return 'No users.';
  return renderTable(users, [
    { header: 'ID', value: (u) => u.id },
    { header: 'EMAIL', value: (u) => u.email },
    { header: 'ROLE', value: (u) => u.role },
  ]);
}

/** Pages through `users.list` until `stop` says so; returns everything read. */
async function readUsers(api: ApiClient, cursor: string | undefined, limit: number | undefined, all: boolean, stop?: (u: User) => boolean) {
  const items: User[] = [];
  let page: UsersPage;
  do {
    page = await api.users.list.query({ cursor, limit });
    items.push(...page.items);
    if (stop && page.items.some(stop)) break;
    cursor = page.nextCursor ?? undefined;
  } while (all && cursor !== undefined);
  return { items, nextCursor: all ? null : page.nextCursor };
}

export const usersListCommand: Command = {
  words: ['users', 'list'],
  usage: '[--limit <n>] [--cursor <cursor>] [--all]',
  summary: 'List accounts (admins only)',
  options: { limit: { type: 'string' }, cursor: { type: 'string' }, all: { type: 'boolean' } },
  async run({ api, out, options }) {
    const all = flag(options, 'all');
    const limitText = stringOption(options, 'limit');
    const limit = limitText === undefined ? (all ? PAGE_SIZE_FOR_ALL : undefined) : positiveInt(limitText, '--limit');
    const result = await readUsers(api, stringOption(options, 'cursor'), limit, all);
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
    if (!UUID.test(who)) {
      const email = who.trim().toLowerCase();
      const { items } = await readUsers(api, undefined, PAGE_SIZE_FOR_ALL, true, (u) => u.email === email);
      const found = items.find((u) => u.email === email);
      if (!found) throw new CliError(`No account with the email ${who}.`, ExitCode.NotFound);
      userId = found.id;
    }
    const user = await api.users.setRole.mutate({ userId, role });
    out.result(user, () => `${user.email} is now ${user.role}.`);
  },
};
