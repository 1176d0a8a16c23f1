import type { BearerAuthResult, User } from '@app/contracts';
import { strongPassword, uniqueEmail } from './fixtures';
import { type CallResult, trpcMutation } from './http-client';

/** A setup step that must succeed: anything but 200 fails the test with the server's answer. */
function expectOk<T>(res: CallResult<T>, what: string): T {
  if (res.status !== 200) throw new Error(`${what} answered ${res.status}: ${res.text}`);
  return res.data;
}

/** Where the API answers: a `TestServer`, or the built server in its own process. */
export interface ApiTarget {
  readonly url: string;
}

/** An account signed up over bearer transport, with its credentials and first session. */
export interface Account {
  email: string;
  password: string;
  user: User;
  accessToken: string;
  refreshToken: string;
  auth: BearerAuthResult;
}

/** Signs up a fresh account (over bearer: tokens come back in the body). */
export async function signUp(
  api: ApiTarget,
  options: { email?: string; password?: string; headers?: Record<string, string> } = {},
): Promise<Account> {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? strongPassword();
  const res = await trpcMutation<BearerAuthResult>(api.url, 'auth.signup', { email, password }, { headers: options.headers });
  const auth = expectOk(res, 'auth.signup');
  return { email, password, user: auth.user, accessToken: auth.accessToken, refreshToken: auth.refreshToken, auth };
}

/** Logs an existing account in again: a new session. */
export async function logIn(api: ApiTarget, account: Pick<Account, 'email' | 'password'>, headers?: Record<string, string>): Promise<BearerAuthResult> {
  const res = await trpcMutation<BearerAuthResult>(api.url, 'auth.login', { email: account.email, password: account.password }, { headers });
  return expectOk(res, 'auth.login');
}
