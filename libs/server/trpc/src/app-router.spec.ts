import { AppErrorCode, type BearerAuthResult } from '@app/contracts';
import { type AppServices, createServices } from '@app/server-core';
import { MemoryRateLimitStore } from '@app/server-data-access';
import { createTestDatabase, type TestDatabase, testConfig } from '@app/server-testing';
import { TRPCError } from '@trpc/server';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from './app-error';
import { createCaller } from './app-router';
import { createContextInner } from './context';

/**
 * Procedure tests without HTTP, as tRPC's examples write them: `createCaller` over a real
 * database. What only HTTP shows (cookies, CSRF, status codes) is tested in apps/api/tests.
 */
let database: TestDatabase;
let services: AppServices;
let admin: BearerAuthResult;
let user: BearerAuthResult;

const anonymous = () => createCaller(createContextInner({ services }));
const as = (session: BearerAuthResult) => createCaller(createContextInner({ services, accessToken: session.accessToken }));

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as AppError;
}

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  services = createServices({ config: testConfig(), database: database.handle, logger: pino({ level: 'silent' }), rateLimitStore: new MemoryRateLimitStore() });
  admin = (await anonymous().auth.signup({ email: 'caller-admin@example.com', password: 'Vx7#kQ9!mZ' })) as BearerAuthResult;
  await services.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.user.id).execute();
  admin = (await anonymous().auth.login({ email: 'caller-admin@example.com', password: 'Vx7#kQ9!mZ' })) as BearerAuthResult;
  user = (await anonymous().auth.signup({ email: 'caller-user@example.com', password: 'Vx7#kQ9!mZ' })) as BearerAuthResult;
});
afterAll(async () => {
  await database?.dispose();
});

describe('appRouter through createCaller', () => {
  it('auth: a caller that is not a browser gets both tokens, and they work', async () => {
    expect(user.accessToken.length).toBeGreaterThan(20);
    expect(user.refreshToken).toMatch(/\./);
    expect(await as(user).auth.me()).toEqual(user.user);
  });

  it('auth.me answers exactly the User contract: no session id, no hash', async () => {
    expect(Object.keys(await as(admin).auth.me()).sort()).toEqual(['email', 'emailVerified', 'id', 'role']);
  });

  it('auth.changePassword: a wrong current password is a BAD_REQUEST with a field error, not UNAUTHORIZED', async () => {
    const error = await rejection(as(user).auth.changePassword({ currentPassword: 'Not#The1Password', newPassword: 'Zebra-Quokka-41!' }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.appCode).toBe(AppErrorCode.CurrentPasswordIncorrect);
    expect(error.fieldErrors).toEqual({ currentPassword: [error.message] });
  });

  it('people: create, read, update, list and delete go through the service and back', async () => {
    const created = await as(user).people.create({ firstName: '  Ada ', lastName: 'Lovelace' });
    expect(created).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });
    expect(await as(user).people.byId({ id: created.id })).toEqual(created);
    const updated = await as(user).people.update({ id: created.id, firstName: 'Ada', lastName: 'Byron' });
    expect(updated.lastName).toBe('Byron');
    const page = await as(user).people.list({ search: 'ada b' });
    expect(page.items.map((p) => p.id)).toEqual([created.id]);
    expect(await as(admin).people.delete({ id: created.id })).toEqual({ id: created.id });
    const missing = await rejection(as(user).people.byId({ id: created.id }));
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('a foreign cursor is a BAD_REQUEST with the invalid-input appCode', async () => {
    const error = await rejection(as(user).people.list({ cursor: 'bm90LWEtY3Vyc29y' }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.appCode).toBe(AppErrorCode.InvalidInput);
  });

  it('roles: a user is FORBIDDEN from admin procedures, nobody is UNAUTHORIZED', async () => {
    expect((await rejection(as(user).users.list())).code).toBe('FORBIDDEN');
    expect((await rejection(anonymous().people.list())).code).toBe('UNAUTHORIZED');
    const page = await as(admin).users.list({ limit: 100 });
    expect(page.items.map((u) => u.email)).toEqual(['caller-admin@example.com', 'caller-user@example.com']);
  });

  it('users.setRole: the last admin cannot be demoted', async () => {
    const error = await rejection(as(admin).users.setRole({ userId: admin.user.id, role: 'user' }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/last admin/);
  });

  it('auth.events: the caller’s own events; users.events: admins only, any user, NOT_FOUND for nobody', async () => {
    const mine = await as(user).auth.events();
    expect(mine.items.map((e) => e.type)).toEqual(['signed_up']);
    expect((await rejection(as(user).users.events({ userId: admin.user.id }))).code).toBe('FORBIDDEN');
    expect((await rejection(anonymous().auth.events())).code).toBe('UNAUTHORIZED');
    const theirs = await as(admin).users.events({ userId: user.user.id });
    expect(theirs.items.map((e) => e.id)).toEqual(mine.items.map((e) => e.id));
    expect((await rejection(as(admin).users.events({ userId: '00000000-0000-4000-8000-000000000000' }))).code).toBe('NOT_FOUND');
  });
});
