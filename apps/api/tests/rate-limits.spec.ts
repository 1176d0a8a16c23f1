import { AppErrorCode, AUTH_COOKIES, type AuthResult, ErrorMessages } from '@app/contracts';
import {
  type Account,
  BrowserLikeClient,
  type CallResult,
  logIn,
  signUp,
  startTestServer,
  strongPassword,
  type TestServer,
  trpcMutation,
  uniqueEmail,
} from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countUsersWithEmail, expectError, refuseEventsFrom } from './support';

const WINDOW_MS = 60_000;
const LIMITS = {
  loginPerEmail: { max: 6, windowMs: WINDOW_MS },
  loginPerEmailIp: { max: 3, windowMs: WINDOW_MS },
  loginPerIp: { max: 10, windowMs: WINDOW_MS },
  signupPerIp: { max: 3, windowMs: WINDOW_MS },
  refreshPerIp: { max: 4, windowMs: WINDOW_MS },
  passwordChangePerUser: { max: 3, windowMs: WINDOW_MS },
  writesPerUser: { max: 1_000, windowMs: WINDOW_MS },
  passwordResetPerEmail: { max: 3, windowMs: WINDOW_MS },
  passwordResetPerIp: { max: 3, windowMs: WINDOW_MS },
  verificationResendPerUser: { max: 3, windowMs: WINDOW_MS },
};

// Behind a trusted proxy the client address comes from X-Forwarded-For, so each test can
// speak from its own addresses and the per-IP limits of one test do not bleed into another.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { rateLimits: LIMITS, trustProxy: 1 } });
});
afterAll(async () => {
  await server?.close();
});

let ipCounter = 0;
function freshIp(): string {
  ipCounter += 1;
  return `10.77.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
}
const from = (ip: string) => ({ 'x-forwarded-for': ip });

async function newAccount(): Promise<Account> {
  return signUp(server, { headers: from(freshIp()) });
}

function login(email: string, password: string, ip = freshIp()) {
  return trpcMutation<AuthResult>(server.url, 'auth.login', { email, password }, { headers: from(ip) });
}

function expectLimited(res: CallResult): void {
  expectError(res, 429, AppErrorCode.RateLimited);
  expect(res.error?.data.code).toBe('TOO_MANY_REQUESTS');
  expect(res.error?.message).toBe(ErrorMessages.rateLimited);
  const retryAfter = res.headers.get('retry-after');
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(WINDOW_MS / 1000);
}

describe('login per (email, address)', () => {
  it('after the limit that address gets 429 for that email, even with the right password, in any spelling; the owner elsewhere signs in', async () => {
    const account = await newAccount();
    const stranger = freshIp();
    for (let i = 0; i < LIMITS.loginPerEmailIp.max; i++) {
      expectError(await login(account.email, 'Wrong#Pass1', stranger), 401, AppErrorCode.InvalidCredentials);
    }
    expectLimited(await login(account.email, 'Wrong#Pass1', stranger));
    expectLimited(await login(account.email, account.password, stranger));
    // Same address in another case or with spaces: the same key.
    expectLimited(await login(`  ${account.email.toUpperCase()} `, account.password, stranger));
    // The stranger's guesses do not lock the owner out, and other accounts are not affected.
    expect((await login(account.email, account.password)).status).toBe(200);
    const other = await newAccount();
    expect((await login(other.email, other.password, stranger)).status).toBe(200);
  });

  it('an unknown email is limited just like a known one (no way to tell them apart)', async () => {
    const email = uniqueEmail('ghost');
    const ip = freshIp();
    for (let i = 0; i < LIMITS.loginPerEmailIp.max; i++) expectError(await login(email, 'Wrong#Pass1', ip), 401);
    expectLimited(await login(email, 'Wrong#Pass1', ip));
  });

  it('a successful login clears the count', async () => {
    const account = await newAccount();
    const ip = freshIp();
    for (let i = 0; i < LIMITS.loginPerEmailIp.max - 1; i++) expectError(await login(account.email, 'Wrong#Pass1', ip), 401);
    expect((await login(account.email, account.password, ip)).status).toBe(200);
    for (let i = 0; i < LIMITS.loginPerEmailIp.max; i++) expectError(await login(account.email, 'Wrong#Pass1', ip), 401);
    expectLimited(await login(account.email, 'Wrong#Pass1', ip));
  });
});

describe('a sign-in whose event the database refuses', () => {
  // The sign-in then writes its session on its own (see auth-events.spec.ts), and must still clear its counts.
  const UNWRITABLE = 'RateLimitsTest/unwritable';
  refuseEventsFrom(() => server, UNWRITABLE);

  it('still clears the count', async () => {
    const account = await newAccount();
    const ip = freshIp();
    for (let i = 0; i < LIMITS.loginPerEmailIp.max - 1; i++) expectError(await login(account.email, 'Wrong#Pass1', ip), 401);
    const signedIn = await trpcMutation<AuthResult>(server.url, 'auth.login', { email: account.email, password: account.password }, { headers: { ...from(ip), 'user-agent': UNWRITABLE } });
    expect(signedIn.status, signedIn.text).toBe(200);
    for (let i = 0; i < LIMITS.loginPerEmailIp.max; i++) expectError(await login(account.email, 'Wrong#Pass1', ip), 401);
    expectLimited(await login(account.email, 'Wrong#Pass1', ip));
  });
});

describe('login per email (any address)', () => {
  it('guesses spread over many addresses hit the looser per-email limit; a device signed in to the account still signs in', async () => {
    const account = await newAccount();
    const signedIn = await logIn(server, account, from(freshIp()));
    for (let i = 0; i < LIMITS.loginPerEmail.max; i++) {
      expectError(await login(account.email, 'Wrong#Pass1', freshIp()), 401, AppErrorCode.InvalidCredentials);
    }
    expectLimited(await login(account.email, account.password, freshIp()));
    // The device holding a live session of the account vouches for itself with its access token.
    const trusted = await trpcMutation<AuthResult>(server.url, 'auth.login', { email: account.email, password: account.password }, { token: signedIn.accessToken, headers: from(freshIp()) });
    expect(trusted.status, trusted.text).toBe(200);
    // A success clears the per-email count.
    expect((await login(account.email, account.password, freshIp())).status).toBe(200);
  });
});

describe('login per IP', () => {
  it('many emails from one address hit the IP limit; other addresses are fine', async () => {
    const account = await newAccount();
    const ip = freshIp();
    for (let i = 0; i < LIMITS.loginPerIp.max; i++) {
      expectError(await login(uniqueEmail('spray'), 'Wrong#Pass1', ip), 401, AppErrorCode.InvalidCredentials);
    }
    expectLimited(await login(uniqueEmail('spray'), 'Wrong#Pass1', ip));
    expectLimited(await login(account.email, account.password, ip));
    expect((await login(account.email, account.password, freshIp())).status).toBe(200);
  });
});

describe('signup per IP', () => {
  it('after the limit a signup is 429 and writes nothing; another address can sign up', async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMITS.signupPerIp.max; i++) {
      const res = await trpcMutation(server.url, 'auth.signup', { email: uniqueEmail(), password: strongPassword() }, { headers: from(ip) });
      expect(res.status, res.text).toBe(200);
    }
    const email = uniqueEmail('limited');
    expectLimited(await trpcMutation(server.url, 'auth.signup', { email, password: strongPassword() }, { headers: from(ip) }));
    expect(await countUsersWithEmail(server, email)).toBe(0);
    const elsewhere = await trpcMutation(server.url, 'auth.signup', { email, password: strongPassword() }, { headers: from(freshIp()) });
    expect(elsewhere.status, elsewhere.text).toBe(200);
  });
});

describe('refresh per IP', () => {
  it('after the limit a refresh is 429, even with a valid token, which stays valid', async () => {
    const account = await newAccount();
    const ip = freshIp();
    for (let i = 0; i < LIMITS.refreshPerIp.max; i++) {
      const res = await trpcMutation(server.url, 'auth.refresh', { refreshToken: 'garbage' }, { headers: from(ip) });
      expectError(res, 401, AppErrorCode.RefreshInvalid);
    }
    expectLimited(await trpcMutation(server.url, 'auth.refresh', { refreshToken: account.refreshToken }, { headers: from(ip) }));
    const elsewhere = await trpcMutation<AuthResult>(server.url, 'auth.refresh', { refreshToken: account.refreshToken }, { headers: from(freshIp()) });
    expect(elsewhere.status, elsewhere.text).toBe(200);
  });

  it('a rate-limited browser keeps its session cookies (only a refused token ends the session)', async () => {
    const account = await newAccount();
    const ip = freshIp();
    const browser = new BrowserLikeClient(server.url);
    expect((await browser.mutation('auth.login', { email: account.email, password: account.password }, from(freshIp()))).status).toBe(200);
    for (let i = 0; i < LIMITS.refreshPerIp.max; i++) {
      expect((await browser.mutation('auth.refresh', undefined, from(ip))).status).toBe(200);
    }
    const limited = await browser.mutation('auth.refresh', undefined, from(ip));
    expectLimited(limited);
    expect(limited.cookies).toEqual([]);
    expect(browser.cookie(AUTH_COOKIES.refresh)).toBeDefined();
    expect((await browser.mutation('auth.refresh', undefined, from(freshIp()))).status).toBe(200);
  });
});

describe('password change per user', () => {
  it('guessing the current password with a signed-in session stops at the limit, even for the right password; other users are unaffected', async () => {
    const account = await newAccount();
    const change = (token: string, currentPassword: string) =>
      trpcMutation(server.url, 'auth.changePassword', { currentPassword, newPassword: `${account.password}N` }, { token, headers: from(freshIp()) });
    for (let i = 0; i < LIMITS.passwordChangePerUser.max; i++) {
      expectError(await change(account.accessToken, 'Wrong#Pass1'), 400, AppErrorCode.CurrentPasswordIncorrect);
    }
    // From any address, and with another session of the same user: the limit is per user.
    expectLimited(await change(account.accessToken, account.password));
    const second = await logIn(server, account, from(freshIp()));
    expectLimited(await change(second.accessToken, account.password));
    const other = await newAccount();
    expect((await change(other.accessToken, other.password)).status).toBe(200);
  });
});
