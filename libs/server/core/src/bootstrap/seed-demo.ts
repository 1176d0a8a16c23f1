import { countUsers, type Database, insertPeople, insertUser } from '@app/server-data-access';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Passwords } from '../auth/passwords';

export const DEMO_ADMIN = { email: 'admin@example.com', password: 'Admin#Demo2026' } as const;
export const DEMO_USER = { email: 'user@example.com', password: 'User#Demo2026' } as const;

const DEMO_PEOPLE = [
  ['Ada', 'Lovelace'], ['Alan', 'Turing'], ['Grace', 'Hopper'], ['Edsger', 'Dijkstra'], ['Barbara', 'Liskov'],
  ['Donald', 'Knuth'], ['Margaret', 'Hamilton'], ['Ken', 'Thompson'], ['Frances', 'Allen'], ['Tony', 'Hoare'],
  ['José', 'Martí'], ['李', '白'], ['Seán', "O'Brien"], ['Zoë', 'Ångström'], ['Radia', 'Perlman'],
  ['John', 'Backus'], ['Leslie', 'Lamport'], ['Adele', 'Goldberg'], ['Niklaus', 'Wirth'], ['Katherine', 'Johnson'],
  ['Dennis', 'Ritchie'], ['Hedy', 'Lamarr'], ['Tim', 'Berners-Lee'], ['Sophie', 'Wilson'], ['Guido', 'van Rossum'],
] as const;

/**
 * On an empty embedded database: a demo admin, a demo user (both with verified addresses at
 * example.com, which no mail can reach) and some people. Returns false if not empty.
 */
export async function seedDemo(db: Kysely<Database>, passwords: Passwords): Promise<boolean> {
  if ((await countUsers(db)) > 0) return false;
  await db.transaction().execute(async (trx) => {
    await insertUser(trx, { id: randomUUID(), email: DEMO_ADMIN.email, passwordHash: await passwords.hash(DEMO_ADMIN.password), role: 'admin', emailVerified: true });
    await insertUser(trx, { id: randomUUID(), email: DEMO_USER.email, passwordHash: await passwords.hash(DEMO_USER.password), role: 'user', emailVerified: true });
    await insertPeople(trx, DEMO_PEOPLE.map(([firstName, lastName]) => ({ firstName, lastName })));
  });
  return true;
}
