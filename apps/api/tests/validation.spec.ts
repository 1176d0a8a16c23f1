import { AppErrorCode, type AuthResult, type Person, PasswordMessages } from '@app/contracts';
import {
  type Account,
  signUp,
  startTestServer,
  strongPassword,
  type TestServer,
  trpcMutation,
  trpcQuery,
  uniqueEmail,
} from '@app/server-testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countRows, countUsersWithEmail, createPerson, expectError, fieldErrors } from './support';

let server: TestServer;
let account: Account;
beforeAll(async () => {
  server = await startTestServer();
  account = await signUp(server);
});
afterAll(async () => {
  await server?.close();
});

/** A password of exactly `bytes` UTF-8 bytes that satisfies every other rule. */
function passwordOfBytes(bytes: number): string {
  const head = 'Vx7#';
  return head + 'q'.repeat(bytes - head.length);
}

describe('signup input', () => {
  let usersBefore: number;
  beforeEach(async () => {
    usersBefore = await countRows(server, 'users');
  });

  async function expectRefused(input: unknown, field: string | null, messages?: string[]) {
    const res = await trpcMutation(server.url, 'auth.signup', input);
    expectError(res, 400, AppErrorCode.InvalidInput);
    expect(res.error?.data.code).toBe('BAD_REQUEST');
    if (field !== null) {
      const got = fieldErrors(res)[field];
      expect(got, res.text).toBeDefined();
      if (messages) expect([...(got ?? [])].sort()).toEqual([...messages].sort());
      // The top-level message is readable and names the field.
      expect(res.error?.message).toContain(`${field}: `);
    }
    expect(await countRows(server, 'users')).toBe(usersBefore);
    return res;
  }

  it.each(['not-an-email', 'a@', '@example.com', 'two words@example.com', 'a@b@example.com'])('malformed email %j', async (email) => {
    await expectRefused({ email, password: strongPassword() }, 'email', ['Enter a valid email address']);
  });

  it('empty, whitespace-only and over-long emails', async () => {
    await expectRefused({ email: '', password: strongPassword() }, 'email', ['Email is required']);
    await expectRefused({ email: '   ', password: strongPassword() }, 'email', ['Email is required']);
    await expectRefused({ email: `${'a'.repeat(250)}@example.com`, password: strongPassword() }, 'email', ['Email must be at most 254 characters']);
  });

  it('a weak password reports every failed rule', async () => {
    await expectRefused({ email: uniqueEmail(), password: 'short' }, 'password', [
      PasswordMessages.tooShort,
      PasswordMessages.upper,
      PasswordMessages.digit,
      PasswordMessages.symbol,
    ]);
    await expectRefused({ email: uniqueEmail(), password: 'alllowercase1!' }, 'password', [PasswordMessages.upper]);
    await expectRefused({ email: uniqueEmail(), password: 'ALLUPPERCASE1!' }, 'password', [PasswordMessages.lower]);
    await expectRefused({ email: uniqueEmail(), password: 'NoDigitsHere!' }, 'password', [PasswordMessages.digit]);
    await expectRefused({ email: uniqueEmail(), password: 'NoSymbols123' }, 'password', [PasswordMessages.symbol]);
    await expectRefused({ email: uniqueEmail(), password: '' }, 'password', [PasswordMessages.required]);
  });

  it.each(['P@ssw0rd1!', 'Summer2024!', 'Password123!', 'Qwerty123!', 'Welcome1!', 'Admin123!'])('the common password %j', async (password) => {
    await expectRefused({ email: uniqueEmail(), password }, 'password', [PasswordMessages.common]);
  });

  it('73 bytes is refused, also when the characters are fewer (multi-byte)', async () => {
    await expectRefused({ email: uniqueEmail(), password: passwordOfBytes(73) }, 'password', [PasswordMessages.tooLong]);
    const accented = `Vx7#${'é'.repeat(35)}`; // 39 characters, 74 bytes
    await expectRefused({ email: uniqueEmail(), password: accented }, 'password', [PasswordMessages.tooLong]);
  });

  it('72 bytes is accepted and never truncated: one more byte does not log in', async () => {
    const password = passwordOfBytes(72);
    const created = await signUp(server, { password });
    usersBefore += 1;
    const login = await trpcMutation<AuthResult>(server.url, 'auth.login', { email: created.email, password });
    expect(login.status, login.text).toBe(200);
    const longer = await trpcMutation(server.url, 'auth.login', { email: created.email, password: `${password}q` });
    expectError(longer, 400, AppErrorCode.InvalidInput);
    expect(fieldErrors(longer)['password']).toEqual([PasswordMessages.tooLong]);
    const shorter = await trpcMutation(server.url, 'auth.login', { email: created.email, password: password.slice(0, -1) });
    expectError(shorter, 401, AppErrorCode.InvalidCredentials);
  });

  it('unknown keys are refused (no role smuggled in), and nothing is written', async () => {
    const email = uniqueEmail();
    const res = await expectRefused({ email, password: strongPassword(), role: 'admin' }, null);
    expect(res.error?.data.zodError?.formErrors.join(' ')).toMatch(/role/);
    expect(await countUsersWithEmail(server, email)).toBe(0);
  });

  it('wrong types and a missing input', async () => {
    await expectRefused({ email: 42, password: strongPassword() }, 'email');
    await expectRefused({ email: uniqueEmail(), password: ['Vx7#kQ9!mZ'] }, 'password');
    await expectRefused({ email: uniqueEmail() }, 'password', [PasswordMessages.required]);
    await expectRefused(undefined, null);
    await expectRefused('a string', null);
    await expectRefused(null, null);
  });

  it('a huge body is 413 and writes nothing', async () => {
    const email = uniqueEmail();
    const res = await trpcMutation(server.url, 'auth.signup', { email, password: `Vx7#${'q'.repeat(100 * 1024)}` });
    expectError(res, 413, AppErrorCode.PayloadTooLarge);
    expect(await countUsersWithEmail(server, email)).toBe(0);
  });
});

describe('login input', () => {
  it('checks only presence and the byte limit, so the answer does not reveal the policy', async () => {
    const weak = await trpcMutation(server.url, 'auth.login', { email: account.email, password: 'weak' });
    expectError(weak, 401, AppErrorCode.InvalidCredentials);
  });

  it('refuses malformed input with field errors', async () => {
    const res = await trpcMutation(server.url, 'auth.login', { email: 'nope', password: '' });
    expectError(res, 400, AppErrorCode.InvalidInput);
    expect(fieldErrors(res)).toMatchObject({ email: ['Enter a valid email address'], password: [PasswordMessages.required] });
    expectError(await trpcMutation(server.url, 'auth.login', { email: account.email, password: account.password, remember: true }), 400);
  });
});

describe('other auth inputs', () => {
  it('refresh, logout and revokeSession validate their input', async () => {
    const refresh = await trpcMutation(server.url, 'auth.refresh', { refreshToken: 123 });
    expectError(refresh, 400, AppErrorCode.InvalidInput);
    expect(fieldErrors(refresh)['refreshToken']).toBeDefined();
    expectError(await trpcMutation(server.url, 'auth.refresh', { refreshToken: 'x'.repeat(201) }), 400);
    expectError(await trpcMutation(server.url, 'auth.refresh', { token: 'x' }), 400);

    const logout = await trpcMutation(server.url, 'auth.logout', { allDevices: 'yes' }, { token: account.accessToken });
    expectError(logout, 400, AppErrorCode.InvalidInput);
    expect(fieldErrors(logout)['allDevices']).toBeDefined();

    const revoke = await trpcMutation(server.url, 'auth.revokeSession', { sessionId: 'abc' }, { token: account.accessToken });
    expectError(revoke, 400, AppErrorCode.InvalidInput);
    expect(fieldErrors(revoke)['sessionId']).toEqual(['Session id must be a UUID']);
    // None of these ended the session.
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: account.accessToken })).status).toBe(200);
  });
});

describe('people input', () => {
  let peopleBefore: number;
  beforeEach(async () => {
    peopleBefore = await countRows(server, 'people');
  });

  async function expectCreateRefused(input: unknown, field: string | null, messages?: string[]) {
    const res = await trpcMutation(server.url, 'people.create', input, { token: account.accessToken });
    expectError(res, 400, AppErrorCode.InvalidInput);
    if (field !== null) {
      const got = fieldErrors(res)[field];
      expect(got, res.text).toBeDefined();
      if (messages) expect(got).toEqual(messages);
    }
    expect(await countRows(server, 'people')).toBe(peopleBefore);
    return res;
  }

  it('a 31-character name is refused, in any script', async () => {
    await expectCreateRefused({ firstName: 'a'.repeat(31), lastName: 'Ok' }, 'firstName', ['First name must be at most 30 characters']);
    await expectCreateRefused({ firstName: 'Ok', lastName: '李'.repeat(31) }, 'lastName', ['Last name must be at most 30 characters']);
  });

  it('empty and whitespace-only names are refused', async () => {
    await expectCreateRefused({ firstName: '', lastName: 'Ok' }, 'firstName', ['First name is required']);
    await expectCreateRefused({ firstName: '   ', lastName: 'Ok' }, 'firstName', ['First name is required']);
    await expectCreateRefused({ firstName: 'Ok', lastName: '\u3000\u00a0 ' }, 'lastName', ['Last name is required']);
  });

  it('control characters are refused', async () => {
    await expectCreateRefused({ firstName: 'Nul\u0000l', lastName: 'Ok' }, 'firstName', ['First name must not contain control characters']);
    await expectCreateRefused({ firstName: 'Ok', lastName: 'Bell\u0007' }, 'lastName', ['Last name must not contain control characters']);
  });

  it('both fields at once, wrong types, unknown keys and a missing field', async () => {
    const both = await expectCreateRefused({ firstName: ' ', lastName: 'b'.repeat(31) }, 'firstName');
    expect(fieldErrors(both)['lastName']).toEqual(['Last name must be at most 30 characters']);
    await expectCreateRefused({ firstName: 42, lastName: 'Ok' }, 'firstName');
    await expectCreateRefused({ firstName: 'Ok' }, 'lastName', ['Last name is required']);
    const extra = await expectCreateRefused({ firstName: 'Ok', lastName: 'Ok', id: 7 }, null);
    expect(extra.error?.data.zodError?.formErrors.join(' ')).toMatch(/id/);
  });

  it('an invalid update leaves the row as it was', async () => {
    const person = await createPerson(server, account.accessToken, 'Keep', 'Me');
    peopleBefore += 1;
    const res = await trpcMutation(server.url, 'people.update', { id: person.id, firstName: 'x'.repeat(31), lastName: 'Changed' }, { token: account.accessToken });
    expectError(res, 400, AppErrorCode.InvalidInput);
    const after = await trpcQuery<Person>(server.url, 'people.byId', { id: person.id }, { token: account.accessToken });
    expect(after.data).toEqual(person);
  });

  it.each([0, -1, 1.5, 2 ** 31, '1', null])('a person id of %j is refused', async (id) => {
    const res = await trpcQuery(server.url, 'people.byId', { id }, { token: account.accessToken });
    expectError(res, 400, AppErrorCode.InvalidInput);
    expect(fieldErrors(res)['id']).toBeDefined();
  });

  it.each([
    ['limit 0', { limit: 0 }, 'limit'],
    ['limit 101', { limit: 101 }, 'limit'],
    ['limit 2.5', { limit: 2.5 }, 'limit'],
    ['limit "10"', { limit: '10' }, 'limit'],
    ['an unknown sort', { sort: 'oldest' }, 'sort'],
    ['a 61-character search', { search: 's'.repeat(61) }, 'search'],
    ['a search holding NUL', { search: 'Ad\u0000a' }, 'search'],
    ['a search holding an unpaired surrogate', { search: 'Ad\ud800a' }, 'search'],
    ['an empty cursor', { cursor: '' }, 'cursor'],
  ])('people.list with %s is refused', async (_label, input, field) => {
    const res = await trpcQuery(server.url, 'people.list', input, { token: account.accessToken });
    expectError(res, 400, AppErrorCode.InvalidInput);
    expect(fieldErrors(res)[field], res.text).toBeDefined();
  });

  it('a huge body is 413 and writes nothing; a large but allowed body gets field errors, not 413', async () => {
    const huge = await trpcMutation(server.url, 'people.create', { firstName: 'x'.repeat(70 * 1024), lastName: 'Big' }, { token: account.accessToken });
    expectError(huge, 413, AppErrorCode.PayloadTooLarge);
    const large = await trpcMutation(server.url, 'people.create', { firstName: 'x'.repeat(30 * 1024), lastName: 'Big' }, { token: account.accessToken });
    expectError(large, 400, AppErrorCode.InvalidInput);
    expect(fieldErrors(large)['firstName']).toEqual(['First name must be at most 30 characters']);
    expect(await countRows(server, 'people')).toBe(peopleBefore);
  });

  it('input is validated only for a signed-in caller: anonymous bad input is 401, not 400', async () => {
    const res = await trpcMutation(server.url, 'people.create', { firstName: '', lastName: '' });
    expectError(res, 401, AppErrorCode.Unauthenticated);
    expect(await countRows(server, 'people')).toBe(peopleBefore);
  });
});
