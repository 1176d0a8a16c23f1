import { AppErrorCode, type PeoplePage, type Person } from '@app/contracts';
import { type Account, signUp, startTestServer, type TestServer, trpcMutation, trpcQuery } from '@app/server-testing';
import { peoplePageQuery } from '@app/server-data-access';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPerson, expectError, expectNoLeak, signUpAdmin } from './support';

let server: TestServer;
let user: Account;
let admin: Account;
beforeAll(async () => {
  server = await startTestServer();
  user = await signUp(server);
  admin = await signUpAdmin(server);
});
afterAll(async () => {
  await server?.close();
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** A random run of lower-case ASCII letters: tags names so one test's search sees only its own rows. */
function tag(): string {
  return [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function list(input: Record<string, unknown>, token = user.accessToken) {
  return trpcQuery<PeoplePage>(server.url, 'people.list', input, { token });
}

/** Walks every page; fails on an error. */
async function walk(input: Record<string, unknown>): Promise<{ pages: Person[][]; items: Person[] }> {
  const pages: Person[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 200; guard++) {
    const res = await list({ ...input, ...(cursor ? { cursor } : {}) });
    expect(res.status, res.text).toBe(200);
    pages.push(res.data.items);
    if (res.data.nextCursor === null) break;
    cursor = res.data.nextCursor;
  }
  return { pages, items: pages.flat() };
}

async function allIds(): Promise<number[]> {
  const rows = await server.services.db.selectFrom('people').select('id').execute();
  return rows.map((r) => r.id);
}

/** PostgreSQL's `C` collation orders by UTF-8 bytes. */
function compareText(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
function compareByName(a: Person, b: Person): number {
  return compareText(a.lastName.toLowerCase(), b.lastName.toLowerCase()) || compareText(a.firstName.toLowerCase(), b.firstName.toLowerCase()) || a.id - b.id;
}

describe('people CRUD', () => {
  it('create → byId → update → byId → delete (admin) → 404', async () => {
    const created = await createPerson(server, user.accessToken, '  Ada ', ' Lovelace  ');
    expect(created).toEqual({ id: expect.any(Number), firstName: 'Ada', lastName: 'Lovelace', createdAt: expect.stringMatching(ISO), updatedAt: expect.stringMatching(ISO) });
    const read = await trpcQuery<Person>(server.url, 'people.byId', { id: created.id }, { token: user.accessToken });
    expect(read.data).toEqual(created);

    const updated = await trpcMutation<Person>(server.url, 'people.update', { id: created.id, firstName: 'Augusta Ada', lastName: 'King' }, { token: user.accessToken });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.data).toMatchObject({ id: created.id, firstName: 'Augusta Ada', lastName: 'King', createdAt: created.createdAt });
    expect(Date.parse(updated.data.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
    expect((await trpcQuery<Person>(server.url, 'people.byId', { id: created.id }, { token: user.accessToken })).data).toEqual(updated.data);

    const deleted = await trpcMutation(server.url, 'people.delete', { id: created.id }, { token: admin.accessToken });
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.data).toEqual({ id: created.id });
    expectError(await trpcQuery(server.url, 'people.byId', { id: created.id }, { token: user.accessToken }), 404, AppErrorCode.NotFound);
    expectError(await trpcMutation(server.url, 'people.delete', { id: created.id }, { token: admin.accessToken }), 404, AppErrorCode.NotFound);
    expectError(await trpcMutation(server.url, 'people.update', { id: created.id, firstName: 'A', lastName: 'B' }, { token: user.accessToken }), 404, AppErrorCode.NotFound);
  });

  it('unknown ids are 404 for byId, update and delete', async () => {
    const id = 2_147_483_647;
    expectError(await trpcQuery(server.url, 'people.byId', { id }, { token: user.accessToken }), 404, AppErrorCode.NotFound);
    expectError(await trpcMutation(server.url, 'people.update', { id, firstName: 'No', lastName: 'One' }, { token: user.accessToken }), 404, AppErrorCode.NotFound);
    expectError(await trpcMutation(server.url, 'people.delete', { id }, { token: admin.accessToken }), 404, AppErrorCode.NotFound);
  });

  it('a user calling people.delete gets 403 (not 401) and the row stays; an admin may delete', async () => {
    const person = await createPerson(server, user.accessToken, 'Not', 'Deletable');
    const res = await trpcMutation(server.url, 'people.delete', { id: person.id }, { token: user.accessToken });
    expectError(res, 403, AppErrorCode.Forbidden);
    expect((await trpcQuery(server.url, 'people.byId', { id: person.id }, { token: user.accessToken })).status).toBe(200);
    // The 403 did not end the user's session either.
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: user.accessToken })).status).toBe(200);
    expect((await trpcMutation(server.url, 'people.delete', { id: person.id }, { token: admin.accessToken })).status).toBe(200);
  });

  it('every people procedure needs a signed-in caller', async () => {
    const person = await createPerson(server, user.accessToken, 'Anon', 'Check');
    expectError(await trpcQuery(server.url, 'people.list'), 401, AppErrorCode.Unauthenticated);
    expectError(await trpcQuery(server.url, 'people.byId', { id: person.id }), 401, AppErrorCode.Unauthenticated);
    expectError(await trpcMutation(server.url, 'people.create', { firstName: 'A', lastName: 'B' }), 401, AppErrorCode.Unauthenticated);
    expectError(await trpcMutation(server.url, 'people.update', { id: person.id, firstName: 'A', lastName: 'B' }), 401, AppErrorCode.Unauthenticated);
    expectError(await trpcMutation(server.url, 'people.delete', { id: person.id }), 401, AppErrorCode.Unauthenticated);
  });

  it.each([
    ['José', 'Martí'],
    ['李', '白'],
    ['Seán', "O'Brien"],
    ['Zoë', 'Ångström'],
    ['Дмитрий', 'Шостакович'],
    ['محمد', 'الخوارزمي'],
    ['Nguyễn', 'Thị Minh Khai'],
    ['Jean-Luc', 'Picard 🚀'],
    ['诸葛'.repeat(15), '亮'],
  ])('the name %s %s round-trips unchanged', async (firstName, lastName) => {
    const created = await createPerson(server, user.accessToken, firstName, lastName);
    expect(created).toMatchObject({ firstName, lastName });
    const read = await trpcQuery<Person>(server.url, 'people.byId', { id: created.id }, { token: user.accessToken });
    expect(read.data).toMatchObject({ firstName, lastName });
    const found = await list({ search: `${firstName} ${lastName}`.slice(0, 60), limit: 100 });
    expect(found.data.items.map((p) => p.id)).toContain(created.id);
  });

  it('names are stored NFC-normalised, so composed and decomposed input are the same name', async () => {
    const created = await createPerson(server, user.accessToken, 'Jose\u0301', 'Ni\u00f1o');
    expect(created.firstName).toBe('José');
    expect(created.firstName).toBe('Jos\u00e9');
  });
});

describe('people.list keyset pagination', () => {
  beforeAll(async () => {
    // Ties on the sort key (same name, names that differ only in case) test the id tie-break.
    const names: [string, string][] = [
      ['Same', 'Name'], ['Same', 'Name'], ['Same', 'Name'], ['same', 'name'], ['SAME', 'NAME'],
      ['alpha', 'Tie'], ['Alpha', 'tie'], ['ALPHA', 'TIE'], ['Beta', 'Tie'], ['beta', 'tie'],
    ];
    for (let i = 0; i < 20; i++) names.push([capitalize(tag()), capitalize(tag())]);
    for (const [first, last] of names) await createPerson(server, user.accessToken, first, last);
  });

  it.each([1, 3, 7, 100])('sort name, limit %i: every row exactly once, in (last, first, id) order', async (limit) => {
    const ids = await allIds();
    const { pages, items } = await walk({ sort: 'name', limit });
    expect(items.map((p) => p.id).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(items.map((p) => p.id)).size).toBe(items.length);
    for (let i = 1; i < items.length; i++) expect(compareByName(items[i - 1] as Person, items[i] as Person)).toBeLessThan(0);
    for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
  });

  it.each([1, 4, 100])('sort newest, limit %i: every row exactly once, newest first', async (limit) => {
    const ids = await allIds();
    const { items } = await walk({ sort: 'newest', limit });
    expect(items.map((p) => p.id)).toEqual([...ids].sort((a, b) => b - a));
  });

  it('the default is sort by name, 20 per page', async () => {
    const res = await list({});
    expect(res.data.items).toHaveLength(20);
    const byName = await list({ sort: 'name', limit: 20 });
    expect(res.data).toEqual(byName.data);
    const noInput = await trpcQuery<PeoplePage>(server.url, 'people.list', undefined, { token: user.accessToken });
    expect(noInput.data).toEqual(byName.data);
  });

  it('rows added during a walk cause no duplicates and no gaps among the existing rows', async () => {
    for (const sort of ['name', 'newest'] as const) {
      const before = new Set(await allIds());
      const first = await list({ sort, limit: 5 });
      // Sorts before the cursor (name) / is newer than every row (newest): must not shift the walk.
      await createPerson(server, user.accessToken, 'Aaron', 'Aaa');
      const seen = first.data.items.map((p) => p.id);
      let cursor = first.data.nextCursor;
      while (cursor) {
        const res = await list({ sort, limit: 5, cursor });
        seen.push(...res.data.items.map((p) => p.id));
        cursor = res.data.nextCursor;
      }
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of before) expect(seen).toContain(id);
    }
  });

  it.each([
    ['garbage', 'garbage!'],
    ['base64 of nonsense', Buffer.from('not json').toString('base64url')],
    ['a JSON string', Buffer.from('"x"').toString('base64url')],
    ['a name cursor with a bad id', Buffer.from(JSON.stringify(['n', 'a', 'b', -1])).toString('base64url')],
    ['a newest cursor with a float id', Buffer.from(JSON.stringify(['c', 1.5])).toString('base64url')],
  ])('an invalid cursor (%s) is 400', async (_label, cursor) => {
    for (const sort of ['name', 'newest']) {
      const res = await list({ sort, cursor });
      expectError(res, 400, AppErrorCode.InvalidInput);
      expectNoLeak(res.text);
    }
  });

  it('a cursor of one sort is refused by the other (400)', async () => {
    const byName = await list({ sort: 'name', limit: 2 });
    const newest = await list({ sort: 'newest', limit: 2 });
    expectError(await list({ sort: 'newest', cursor: byName.data.nextCursor }), 400, AppErrorCode.InvalidInput);
    expectError(await list({ sort: 'name', cursor: newest.data.nextCursor }), 400, AppErrorCode.InvalidInput);
  });
});

describe('people.list search', () => {
  /** The ids a search finds (one page of up to 100), in ascending order. */
  const ids = async (search: string) => (await list({ search, limit: 100 })).data.items.map((p) => p.id).sort((a, b) => a - b);

  it('is a case-insensitive prefix of the first name, the last name or "first last"', async () => {
    const t = tag();
    const T = capitalize(t);
    const first = await createPerson(server, user.accessToken, `${T}ina`, 'Berg');
    const last = await createPerson(server, user.accessToken, 'Olaf', `${T}sson`);
    const full = await createPerson(server, user.accessToken, 'Ulla', `Nord${t}`);
    await createPerson(server, user.accessToken, `Mid${t}`, 'Dle');

    expect(await ids(t)).toEqual([first.id, last.id].sort((a, b) => a - b));
    expect(await ids(t.toUpperCase())).toEqual([first.id, last.id].sort((a, b) => a - b));
    expect(await ids(`  ${t}  `)).toEqual([first.id, last.id].sort((a, b) => a - b));
    expect(await ids(`${t}ina b`)).toEqual([first.id]);
    expect(await ids(`${t}INA BERG`)).toEqual([first.id]);
    expect(await ids(`ulla nord${t}`)).toEqual([full.id]);
    expect(await ids(`${t}sson`)).toEqual([last.id]);
    // Not a substring search.
    expect(await ids(`ina berg`)).not.toContain(first.id);
    expect(await ids(`${t}x`)).toEqual([]);
  });

  it('pages through search results in both sorts without duplicates or gaps', async () => {
    const t = tag();
    const created: number[] = [];
    for (let i = 0; i < 7; i++) created.push((await createPerson(server, user.accessToken, `${capitalize(t)}${String.fromCharCode(97 + i)}`, 'Page')).id);
    for (const sort of ['name', 'newest']) {
      const { items } = await walk({ search: t, sort, limit: 2 });
      expect(items.map((p) => p.id).sort((a, b) => a - b)).toEqual(created);
      if (sort === 'newest') expect(items.map((p) => p.id)).toEqual([...created].reverse());
    }
  });

  it('treats LIKE wildcards and the escape character literally', async () => {
    const t = tag();
    const T = capitalize(t);
    const percent = await createPerson(server, user.accessToken, `${T}%x`, 'Wild');
    const underscore = await createPerson(server, user.accessToken, `${T}_y`, 'Wild');
    const backslash = await createPerson(server, user.accessToken, `${T}\\z`, 'Wild');
    const plain = await createPerson(server, user.accessToken, `${T}ab`, 'Wild');

    expect(await ids(`${t}%`)).toEqual([percent.id]);
    expect(await ids(`${t}_`)).toEqual([underscore.id]);
    expect(await ids(`${t}\\`)).toEqual([backslash.id]);
    expect(await ids(t)).toEqual([percent.id, underscore.id, backslash.id, plain.id].sort((a, b) => a - b));
    expect(await ids('%')).toEqual([]);
    expect(await ids('_')).toEqual([]);
    expect(await ids(`%${t}`)).toEqual([]);
  });

  it('answers every name exactly as stored, whatever JSON escapes, in search and prepared pages alike', async () => {
    // A page travels from the database as one JSON value (people.repository.ts); a single person
    // as a row. Both must give the same Person, character for character.
    const t = tag();
    const T = capitalize(t);
    const firsts = ['"Quoted"', 'Back\\slash\\', "O'Neil </script>", 'Emoji 🧑‍🚀 𝔘', 'Line\u2028Para\u2029End', 'Rtl\u200fمرحبا'];
    const created: Person[] = [];
    for (const [i, first] of firsts.entries()) created.push(await createPerson(server, user.accessToken, first, `${T}${i}`));
    expect(created.map((p) => p.firstName)).toEqual(firsts);

    const searched = await list({ search: t, sort: 'newest', limit: 20 });
    expect(searched.status, searched.text).toBe(200);
    expect(searched.data.items).toEqual([...created].reverse());
    const newest = await list({ sort: 'newest', limit: created.length });
    expect(newest.data.items).toEqual([...created].reverse());
    for (const person of created) expect(person.createdAt).toMatch(ISO);
  });

  it('finds names in any script, case-insensitively', async () => {
    const t = tag();
    const jose = await createPerson(server, user.accessToken, 'José', `Martí${t}`);
    const li = await createPerson(server, user.accessToken, '李', `白${t}`);
    const obrien = await createPerson(server, user.accessToken, 'Seán', `O'Brien${t}`);
    const zoe = await createPerson(server, user.accessToken, `Zoë${t}`, 'Ångström');

    expect(await ids(`josé martí${t}`)).toEqual([jose.id]);
    expect(await ids(`MARTÍ${t.toUpperCase()}`)).toEqual([jose.id]);
    expect(await ids(`李 白${t}`)).toEqual([li.id]);
    expect(await ids(`白${t}`)).toEqual([li.id]);
    expect(await ids(`o'brien${t}`)).toEqual([obrien.id]);
    expect(await ids(`ZOË${t.toUpperCase()} ÅNG`)).toEqual([zoe.id]);
  });

  it('ignores accents both ways: "zoe" finds "Zoë", and a term typed with accents finds plain names', async () => {
    const t = tag();
    const zoe = await createPerson(server, user.accessToken, `Zoë${t}`, 'Ångström');
    const jose = await createPerson(server, user.accessToken, 'José', `Martí${t}`);
    const plain = await createPerson(server, user.accessToken, 'Renee', `Plain${t}`);
    const decomposed = await createPerson(server, user.accessToken, 'Amélie', `Nfd${t}`);

    expect(await ids(`zoe${t}`)).toEqual([zoe.id]);
    expect(await ids(`ZOE${t.toUpperCase()} ANGSTROM`)).toEqual([zoe.id]);
    expect(await ids(`jose marti${t}`)).toEqual([jose.id]);
    expect(await ids(`marti${t}`)).toEqual([jose.id]);
    expect(await ids(`renée plain${t}`)).toEqual([plain.id]);
    // Stored as typed (NFC after the contract), found whichever way the accent is written.
    expect(await ids(`amélie nfd${t}`)).toEqual([decomposed.id]);
    expect(await ids(`amelie nfd${t}`)).toEqual([decomposed.id]);
    // Full-width characters fold to ASCII, but a full-width ％ is still the character, never a wildcard.
    expect(await ids(`ｚｏｅ${t}`)).toEqual([zoe.id]);
    expect(await ids(`zoe${t}％`)).toEqual([]);
  });

  it('can use both folded prefix indexes (no sequential scan)', async () => {
    // With sequential scans priced out, a plan that still scans the table would mean the folded
    // pattern cannot drive an index (say, if it were not folded to a constant before planning).
    const plan = await server.services.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const rows = await peoplePageQuery(trx, { search: 'zoe', sort: 'name', limit: 20 }).explain();
      return rows.map((row) => String(row['QUERY PLAN'])).join('\n');
    });
    expect(plan).toContain('people_full_name_search_idx');
    expect(plan).toContain('people_last_name_search_idx');
    expect(plan).not.toMatch(/Seq Scan/);
  });
});
