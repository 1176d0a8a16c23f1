import { type Kysely, sql } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and never import app types.

/**
 * Search ignores case *and* accents ("zoe" finds "Zoë", "angstrom" finds "Ångström") the same way
 * on PostgreSQL and PGlite, with no extension: `search_fold` decomposes (NFKD), drops the
 * combining marks and lower-cases. It is immutable, so the prefix indexes can be built on it, and
 * a search folds its term with the same function, so both sides always agree.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function search_fold(value text) returns text
    language sql immutable strict parallel safe
    as $$ select lower(regexp_replace(normalize(value, NFKD), '[\\u0300-\\u036f\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u20d0-\\u20ff\\ufe20-\\ufe2f]', '', 'g')) $$`.execute(db);
  await sql`drop index people_full_name_prefix_idx`.execute(db);
  await sql`drop index people_last_name_prefix_idx`.execute(db);
  await sql`create index people_full_name_search_idx on people (search_fold(first_name || ' ' || last_name) text_pattern_ops)`.execute(db);
  await sql`create index people_last_name_search_idx on people (search_fold(last_name) text_pattern_ops)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index people_last_name_search_idx`.execute(db);
  await sql`drop index people_full_name_search_idx`.execute(db);
  await sql`drop function search_fold(text)`.execute(db);
  await sql`create index people_full_name_prefix_idx on people (lower(first_name || ' ' || last_name) text_pattern_ops)`.execute(db);
  await sql`create index people_last_name_prefix_idx on people (lower(last_name) text_pattern_ops)`.execute(db);
}
