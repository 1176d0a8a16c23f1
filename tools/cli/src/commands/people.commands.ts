import type { PeopleSort, Person } from '@app/contracts';
import { type Command, flag, positiveInt, stringOption } from '../cli-command';
import { UsageError } from '../cli-errors';
import { formatInstant, renderTable } from '../cli-output';
import { pageLimit, readPages } from '../read-pages';

const fullName = (p: Person) => `${p.firstName} ${p.lastName}`;

function peopleTable(people: Person[]): string {
  if (people.length === 0) return 'No people found.';
  return renderTable(people, [
    { header: 'ID', value: (p) => String(p.id) },
    { header: 'FIRST NAME', value: (p) => p.firstName },
    { header: 'LAST NAME', value: (p) => p.lastName },
    { header: 'UPDATED', value: (p) => formatInstant(p.updatedAt) },
  ]);
}

function sortOption(value: string | undefined): PeopleSort | undefined {
  if (value === undefined || value === 'name' || value === 'newest') return value;
  throw new UsageError(`--sort must be "name" or "newest", not "${value}"`);
}

export const peopleListCommand: Command = {
  words: ['people', 'list'],
  usage: '[--search <text>] [--sort name|newest] [--limit <n>] [--cursor <cursor>] [--all]',
  summary: 'List people, one page (--all follows the cursors to the end)',
  options: {
    search: { type: 'string' },
    sort: { type: 'string' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
    all: { type: 'boolean' },
  },
  async run({ api, out, options }) {
    const search = stringOption(options, 'search');
    const sort = sortOption(stringOption(options, 'sort'));
    const limit = pageLimit(options);
    const result = await readPages((cursor) => api.people.list.query({ search, sort, limit, cursor }), {
      cursor: stringOption(options, 'cursor'),
      all: flag(options, 'all'),
    });
    out.result(result, () => peopleTable(result.items));
    if (result.nextCursor) out.note(`More people: add --cursor ${result.nextCursor} for the next page, or --all.`);
  },
};

export const peopleAddCommand: Command = {
  words: ['people', 'add'],
  usage: '<first-name> <last-name> | --first-name <name> --last-name <name>',
  summary: 'Add a person',
  options: { 'first-name': { type: 'string' }, 'last-name': { type: 'string' } },
  args: { min: 0, max: 2 },
  async run({ api, out, options, args }) {
    const firstName = stringOption(options, 'first-name') ?? args[0];
    const lastName = stringOption(options, 'last-name') ?? args[1];
    if (firstName === undefined || lastName === undefined || args.length === 1) {
      throw new UsageError('Give a first and a last name: people add <first-name> <last-name>');
    }
    const person = await api.people.create.mutate({ firstName, lastName });
    out.result(person, () => `Added #${person.id} ${fullName(person)}.`);
  },
};

export const peopleEditCommand: Command = {
  words: ['people', 'edit'],
  usage: '<id> [--first-name <name>] [--last-name <name>]',
  summary: 'Change a person’s names (the one not given stays as it is)',
  options: { 'first-name': { type: 'string' }, 'last-name': { type: 'string' } },
  args: { min: 1, max: 1 },
  async run({ api, out, options, args }) {
    const id = positiveInt(args[0] ?? '', 'The id');
    let firstName = stringOption(options, 'first-name');
    let lastName = stringOption(options, 'last-name');
    if (firstName === undefined && lastName === undefined) throw new UsageError('Give --first-name, --last-name or both');
    if (firstName === undefined || lastName === undefined) {
      const current = await api.people.byId.query({ id });
      firstName ??= current.firstName;
      lastName ??= current.lastName;
    }
    const person = await api.people.update.mutate({ id, firstName, lastName });
    out.result(person, () => `Updated #${person.id}: ${fullName(person)}.`);
  },
};

export const peopleRemoveCommand: Command = {
  words: ['people', 'rm'],
  usage: '<id> [<id>…]',
  summary: 'Remove people (admins only)',
  args: { min: 1, max: 100 },
  async run({ api, out, args }) {
    const ids = args.map((arg) => positiveInt(arg, 'An id'));
    const removed: number[] = [];
    for (const id of ids) {
      removed.push((await api.people.delete.mutate({ id })).id);
      out.note(`Removed #${id}.`);
    }
    out.result({ removed }, () => `${removed.length} removed.`);
  },
};
