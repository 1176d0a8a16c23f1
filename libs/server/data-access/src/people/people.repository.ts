import type { Person, PeopleSort } from '@app/contracts';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database, PersonRow } from '../database';
import { preparedMarker } from '../prepared-statements';

type Db = Kysely<Database>;

/** Where a page starts: just after this row, in the order of its sort. */
export type PeopleKeyset =
  | { sort: 'name'; lastName: string; firstName: string; id: number }
  | { sort: 'newest'; id: number };

export interface PeopleQuery {
  /** Case-insensitive prefix of the first name, the last name or "first last". */
  search?: string;
  sort: PeopleSort;
  after?: PeopleKeyset;
  limit: number;
}

/**
 * A timestamp as `Date#toISOString` writes it (UTC, milliseconds, `Z`), formatted by the database:
 * parsing 40 timestamps per page into Dates and back cost ~6% of a page's CPU.
 */
const isoTimestamp = (column: 'created_at' | 'updated_at') =>
  sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`.as(column);

const personColumns = ['id', 'first_name', 'last_name', isoTimestamp('created_at'), isoTimestamp('updated_at')] as const;

type PersonSelection = Pick<PersonRow, 'id' | 'first_name' | 'last_name'> & { created_at: string; updated_at: string };

function toPerson(row: PersonSelection): Person {
  return { id: row.id, firstName: row.first_name, lastName: row.last_name, createdAt: row.created_at, updatedAt: row.updated_at };
}

/**
 * `term…` as a LIKE pattern over folded text: folded by the database's own `search_fold` (case
 * and accents, see the migration), then LIKE's wildcards escaped, so "50%" means the characters.
 * On a custom plan the database folds the constant once and the prefix indexes apply.
 */
const foldedPrefix = (term: string) =>
  sql<string>`replace(replace(replace(search_fold(${term}), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;

/** A person as the page query sends it: one JSON array per row (see `pageAsJson`). */
type PersonTuple = [id: number, firstName: string, lastName: string, createdAt: string, updatedAt: string];

/**
 * One page of people in keyset order, and whether more follow. Each query walks an index from
 * the keyset, so its cost depends on the page size, not on the table size or how deep the page is.
 */
export async function listPeople(db: Db, page: PeopleQuery): Promise<{ items: Person[]; hasMore: boolean }> {
  const { rows } = await db.executeQuery(compiledPageQuery(db, page));
  const tuples = rows[0]?.people ?? [];
  const items: Person[] = [];
  for (let i = 0; i < tuples.length && i < page.limit; i++) {
    const [id, firstName, lastName, createdAt, updatedAt] = tuples[i] as PersonTuple;
    items.push({ id, firstName, lastName, createdAt, updatedAt });
  }
  return { items, hasMore: tuples.length > page.limit };
}

/**
 * Values that stand for a page's parameters when its SQL is compiled once: each is replaced by
 * the real value on every call. Strings no input can contain (NUL is refused by the contracts
 * and by PostgreSQL) and an id no row has.
 */
const PLACEHOLDER = { search: '\u0000search', lastName: '\u0000lastName', firstName: '\u0000firstName', id: -1 } as const;

type PageParameter = (page: PeopleQuery) => unknown;

/** The SQL of each shape of page (sort, search or not, first or later, size), compiled once. */
const compiledPages = new WeakMap<Db, Map<string, { sql: string; parameters: PageParameter[] }>>();

/**
 * `peoplePageQuery` built and compiled once per shape of page, then reused with this page's
 * values: building and compiling the query on every call cost more than running it (a list is
 * the API's commonest call).
 */
function compiledPageQuery(db: Db, page: PeopleQuery): CompiledQuery<{ people: PersonTuple[] }> {
  const pageSize = Math.min(101, Math.max(1, Math.trunc(page.limit) + 1));
  const key = `${page.sort}:${page.search ? 's' : ''}:${page.after ? 'a' : ''}:${pageSize}`;
  let shapes = compiledPages.get(db);
  if (!shapes) compiledPages.set(db, (shapes = new Map()));
  let shape = shapes.get(key);
  if (!shape) {
    const after: PeopleKeyset | undefined = !page.after ? undefined : page.sort === 'name' ? { sort: 'name', ...PLACEHOLDER } : { sort: 'newest', id: PLACEHOLDER.id };
    const compiled = pageAsJson(db, { sort: page.sort, limit: page.limit, search: page.search ? PLACEHOLDER.search : undefined, after }).compile();
    shape = { sql: compiled.sql, parameters: compiled.parameters.map(parameterFor) };
    shapes.set(key, shape);
  }
  return CompiledQuery.raw(shape.sql, shape.parameters.map((value) => value(page))) as CompiledQuery<{ people: PersonTuple[] }>;
}

function parameterFor(placeholder: unknown): PageParameter {
  const keyset = (page: PeopleQuery) => page.after as (PeopleKeyset & { lastName?: string; firstName?: string }) | undefined;
  if (placeholder === PLACEHOLDER.search) return (page) => page.search;
  if (placeholder === PLACEHOLDER.lastName) return (page) => keyset(page)?.lastName;
  if (placeholder === PLACEHOLDER.firstName) return (page) => keyset(page)?.firstName;
  if (placeholder === PLACEHOLDER.id) return (page) => keyset(page)?.id;
  throw new Error(`people page query: unexpected parameter ${String(placeholder)}`);
}

/**
 * The page as one JSON value, `[[id, first, last, created, updated], …]`, in the page's order (the
 * aggregate sorts by it again rather than trust the subquery's order, which SQL leaves open).
 * One value instead of a row per person: pg decoded each field of each row on its own, through a
 * native call per field and a megamorphic store per column, which cost more than the rest of
 * the page (docs/benchmarks.md); one JSON.parse of the whole page costs a third of that.
 */
function pageAsJson(db: Db, page: PeopleQuery) {
  const people = sql<PersonTuple[]>`(
    select coalesce(json_agg(json_build_array(id, first_name, last_name, created_at, updated_at) order by ${pageOrder[page.sort]}), '[]')
    from ${peoplePageQuery(db, page)} as page)`;
  const query = db.selectNoFrom(people.as('people'));
  // Without a search the plan never depends on the values: prepare it. A search stays unprepared,
  // as a generic plan for `like $1` could not use the prefix indexes.
  return page.search ? query : query.modifyEnd(preparedMarker(`people_${page.sort}${page.after ? '_after' : ''}`));
}

/** Each sort's order, over the people table or the page's rows (the same column names). */
const pageOrder = {
  name: sql`lower(last_name), lower(first_name), id`,
  newest: sql`id desc`,
} as const satisfies Record<PeopleSort, unknown>;

/** The rows of a page, one more than its size to tell whether more follow (`pageAsJson` sends them); tests EXPLAIN it. */
export function peoplePageQuery(db: Db, page: PeopleQuery) {
  // The page size is a validated integer (1..100), written into the SQL so a prepared statement's
  // generic plan knows it is small (with a placeholder PostgreSQL assumes 10% of the table).
  const pageSize = Math.min(101, Math.max(1, Math.trunc(page.limit) + 1));
  let query = db.selectFrom('people').select(personColumns).limit(sql.lit(pageSize));

  if (page.search) {
    const pattern = foldedPrefix(page.search);
    // Matches "first…", "first last…" and "last…", ignoring case and accents; both expressions
    // have text_pattern_ops indexes.
    query = query.where((eb) =>
      eb.or([
        eb(sql`search_fold(first_name || ' ' || last_name)`, 'like', pattern),
        eb(sql`search_fold(last_name)`, 'like', pattern),
      ]),
    );
  }

  const after = page.after;
  if (after?.sort === 'name') {
    query = query.where(
      sql<boolean>`(lower(last_name), lower(first_name), id) > (lower(${after.lastName}), lower(${after.firstName}), ${after.id})`,
    );
  } else if (after?.sort === 'newest') {
    query = query.where('id', '<', after.id);
  }
  return query.orderBy(pageOrder[page.sort]);
}

export async function findPersonById(db: Db, id: number): Promise<Person | undefined> {
  const row = await db.selectFrom('people').select(personColumns).where('id', '=', id).executeTakeFirst();
  return row && toPerson(row);
}

export async function insertPerson(db: Db, person: { firstName: string; lastName: string }): Promise<Person> {
  const row = await db
    .insertInto('people')
    .values({ first_name: person.firstName, last_name: person.lastName })
    .returning(personColumns)
    .modifyEnd(preparedMarker('person_insert'))
    .executeTakeFirstOrThrow();
  return toPerson(row);
}

export async function insertPeople(db: Db, people: { firstName: string; lastName: string }[]): Promise<void> {
  if (people.length === 0) return;
  await db
    .insertInto('people')
    .values(people.map((p) => ({ first_name: p.firstName, last_name: p.lastName })))
    .execute();
}

export async function updatePerson(
  db: Db,
  person: { id: number; firstName: string; lastName: string },
): Promise<Person | undefined> {
  const row = await db
    .updateTable('people')
    .set({ first_name: person.firstName, last_name: person.lastName, updated_at: new Date() })
    .where('id', '=', person.id)
    .returning(personColumns)
    .executeTakeFirst();
  return row && toPerson(row);
}

export async function deletePerson(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('people').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
