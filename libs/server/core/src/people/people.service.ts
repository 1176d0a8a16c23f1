import type { Person, PeoplePage, PeopleSort } from '@app/contracts';
import { type Database, deletePerson, findPersonById, insertPerson, listPeople, updatePerson } from '@app/server-data-access';
import type { Kysely } from 'kysely';
import { NotFoundError } from '../errors';
import { decodePeopleCursor, encodePeopleCursor } from './people-cursor';

/** The people directory: keyset-paged listing, reads and writes. Throws NotFoundError for a missing person. */
export class PeopleService {
  constructor(private readonly db: Kysely<Database>) {}

  async list(input: { search?: string; cursor?: string; limit: number; sort: PeopleSort }): Promise<PeoplePage> {
    const after = input.cursor === undefined ? undefined : decodePeopleCursor(input.cursor, input.sort);
    const page = await listPeople(this.db, { search: input.search, sort: input.sort, after, limit: input.limit });
    const last = page.items.at(-1);
    return { items: page.items, nextCursor: page.hasMore && last ? encodePeopleCursor(keysetOf(last, input.sort)) : null };
  }

  async byId(id: number): Promise<Person> {
    return found(await findPersonById(this.db, id));
  }

  create(input: { firstName: string; lastName: string }): Promise<Person> {
    return insertPerson(this.db, input);
  }

  async update(input: { id: number; firstName: string; lastName: string }): Promise<Person> {
    return found(await updatePerson(this.db, input));
  }

  async remove(id: number): Promise<{ id: number }> {
    if (!(await deletePerson(this.db, id))) throw new NotFoundError('Person');
    return { id };
  }
}

function keysetOf(person: Person, sort: PeopleSort) {
  return sort === 'name'
    ? { sort, lastName: person.lastName, firstName: person.firstName, id: person.id }
    : { sort, id: person.id };
}

function found(person: Person | undefined): Person {
  if (!person) throw new NotFoundError('Person');
  return person;
}
