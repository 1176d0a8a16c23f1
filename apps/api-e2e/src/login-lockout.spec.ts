import { AppErrorCode, AUTH_COOKIES, type AuthResult } from '@app/contracts';
import {
  type Account,
  BrowserLikeClient,
  type CallResult,
  logIn,
  signUp,
  startTestServer,
  testConfig,
  type TestServer,
  testDbKind,
  trpcMutation,
} from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A stranger who knows an email must not be able to lock its owner out by guessing. Guesses are
 * limited tightly per (email, address) and per address, and only loosely per email; a device that
 * already holds a live session of the account signs in even past the per-email limit. The
 * server sits behind a trusted proxy here, so each request can come from an address of its own.
 */
const PER_EMAIL_IP = 5;
const PER_EMAIL = 12;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    config: {
      trustProxy: 1,
      rateLimits: {
        ...testConfig().rateLimits,
        loginPerEmailIp: { max: PER_EMAIL_IP, windowMs: 15 * 60_000 },
        loginPerEmail: { max: PER_EMAIL, windowMs: 15 * 60_000 },
        loginPerIp: { max: 40, windowMs: 15 * 60_000 },
      },
    },
  });
});
afterAll(async () => {
  await server?.close();
});

let addressCounter = 0;
const freshAddress = () => `10.66.${Math.floor(addressCounter / 250)}.${((addressCounter += 1) % 250) + 1}`;

function login(email: string, password: string, address: string, options: { token?: string; cookie?: string } = {}) {
  return trpcMutation<AuthResult>(server.url, 'auth.login', { email, password }, { ...options, headers: { 'x-forwarded-for': address } });
}

function expectLimited(res: CallResult, what: string): void {
  expect(res.status, `${what}: ${res.text}`).toBe(429);
  expect(res.error?.data.appCode, what).toBe(AppErrorCode.RateLimited);
  expect(Number(res.headers.get('retry-after')), what).toBeGreaterThanOrEqual(1);
}

async function guess(account: Account, address: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const res = await login(account.email, 'Wrong#Guess1', address);
    expect(res.status, res.text).toBe(401);
    expect(res.error?.data.appCode).toBe(AppErrorCode.InvalidCredentials);
  }
}

describe(`a stranger cannot lock the owner out (${testDbKind()})`, () => {
  it('five wrong guesses from one address stop that address only: the owner signs in from their own at once', async () => {
    const owner = await signUp(server);
    const stranger = freshAddress();
    await guess(owner, stranger, PER_EMAIL_IP);
    expectLimited(await login(owner.email, 'Wrong#Guess1', stranger), 'the stranger’s next guess');
    expectLimited(await login(owner.email, owner.password, stranger), 'even the right password from the stranger’s address');
    const res = await login(owner.email, owner.password, freshAddress());
    expect(res.status, res.text).toBe(200);
  });

  it('guesses from many addresses hit the looser per-email limit; a device holding a live session of the account still signs in, nothing else helps', async () => {
    const owner = await signUp(server);
    const phone = await logIn(server, owner, { 'x-forwarded-for': freshAddress() });
    const browser = new BrowserLikeClient(server.url);
    const laptop = freshAddress();
    expect((await browser.mutation('auth.login', { email: owner.email, password: owner.password }, { 'x-forwarded-for': laptop })).status).toBe(200);
    const intruder = await signUp(server);
    const revoked = await logIn(server, owner, { 'x-forwarded-for': freshAddress() });
    expect((await trpcMutation(server.url, 'auth.logout', {}, { token: revoked.accessToken })).status).toBe(200);

    // A botnet: a few guesses from each of many addresses, never the per-address limit.
    for (let i = 0; i < PER_EMAIL / 2; i++) await guess(owner, freshAddress(), 2);
    expectLimited(await login(owner.email, owner.password, freshAddress()), 'the owner on a new device');

    // Tokens that do not vouch for this account change nothing.
    const vouchers: [string, { token?: string; cookie?: string }][] = [
      ['another account’s live access token', { token: intruder.accessToken }],
      ['an access token of the account’s signed-out session', { token: revoked.accessToken }],
      ['a garbage token', { token: 'garbage' }],
      ['the account’s refresh token as an access token', { token: phone.refreshToken }],
      ['the account’s own token in an unprefixed cookie (ignored)', { cookie: `access_token=${phone.accessToken}` }],
    ];
    for (const [what, options] of vouchers) expectLimited(await login(owner.email, owner.password, freshAddress(), options), what);

    // A device signed in to the account: by bearer token, and a browser by its access cookie.
    const byToken = await login(owner.email, owner.password, freshAddress(), { token: phone.accessToken });
    expect(byToken.status, byToken.text).toBe(200);
    const byCookie = await browser.mutation<AuthResult>('auth.login', { email: owner.email, password: owner.password }, { 'x-forwarded-for': laptop });
    expect(byCookie.status, byCookie.text).toBe(200);
    expect(browser.cookie(AUTH_COOKIES.access)?.value).toBeTruthy();
  });

  it('a signed-in device still gets only its guesses’ worth: a wrong password with the account’s token is counted per address', async () => {
    const owner = await signUp(server);
    const device = freshAddress();
    const session = await logIn(server, owner, { 'x-forwarded-for': device });
    for (let i = 0; i < PER_EMAIL_IP; i++) expect((await login(owner.email, 'Wrong#Guess1', device, { token: session.accessToken })).status).toBe(401);
    expectLimited(await login(owner.email, owner.password, device, { token: session.accessToken }), 'the per-address limit binds a signed-in device too');
  });

  it('parallel guesses cannot slip past either limit', async () => {
    const owner = await signUp(server);
    const one = freshAddress();
    const fromOne = await Promise.all(Array.from({ length: 20 }, () => login(owner.email, 'Wrong#Guess1', one)));
    expect(fromOne.filter((res) => res.status === 401)).toHaveLength(PER_EMAIL_IP);
    expect(fromOne.filter((res) => res.status === 429)).toHaveLength(20 - PER_EMAIL_IP);
    const fromMany = await Promise.all(Array.from({ length: 20 }, () => login(owner.email, 'Wrong#Guess1', freshAddress())));
    // PER_EMAIL_IP of the per-email budget went to the first burst.
    expect(fromMany.filter((res) => res.status === 401)).toHaveLength(PER_EMAIL - PER_EMAIL_IP);
    expect(fromMany.filter((res) => res.status === 429)).toHaveLength(20 - (PER_EMAIL - PER_EMAIL_IP));
  });
});
