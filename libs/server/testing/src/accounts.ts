import type { AuthResult, User } from '@app/contracts';
import { expect } from 'vitest';
import { strongPassword, uniqueEmail } from './fixtures';
import { trpcMutation } from './http-client';

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
  auth: AuthResult;
}

/** Signs up a fresh account (over bearer: tokens come back in the body). */
export async function signUp(
  api: ApiTarget,
  options: { email?: string; password?: string; headers?: Record<string, string> } = {},
): Promise<Account> {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? strongPassword();
  const res = await trpcMutation<AuthResult>(api.url, 'auth.signup', { email, password }, { headers: options.headers });
  expect(res.status, res.text).toBe(200);
  return { email, password, user: res.data.user, accessToken: res.data.accessToken, refreshToken: res.data.refreshToken, auth: res.data };
}

/** Logs an existing account in again: a new session. */
export async function logIn(api: ApiTarget, account: Pick<Account, 'email' | 'password'>, headers?: Record<string, string>): Promise<AuthResult> {
  const res = await trpcMutation<AuthResult>(api.url, 'auth.login', { email: account.email, password: account.password }, { headers });
  expect(res.status, res.text).toBe(200);
  return res.data;
}
