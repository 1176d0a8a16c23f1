import { createApiClient } from '@app/api-client';
import { type AuthResult, BearerAuthResult } from '@app/contracts';

/** Tokens of one session, as a non-browser client receives them. */
export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
}

export interface BenchUser {
  email: string;
  password: string;
}

/** A password that passes the policy (upper, lower, digit, symbol; not a common one). */
export const BENCH_PASSWORD = 'Bench#Pass-2026';

/** Typed calls to the API, one HTTP request each; no client-side timeout, as a queue of logins answers slowly. */
const benchClient = (baseUrl: string) => createApiClient({ url: baseUrl, batch: false, timeoutMs: 0 });

/** Starts a session for each user, a few at a time, and keeps its tokens. */
async function sessionsOf(users: BenchUser[], start: (user: BenchUser) => Promise<AuthResult>): Promise<SessionTokens[]> {
  const sessions: SessionTokens[] = [];
  for (let i = 0; i < users.length; i += 8) {
    const batch = await Promise.all(users.slice(i, i + 8).map(start));
    // A bearer client always gets both tokens; parsing says so loudly if the server ever did not.
    sessions.push(...batch.map((result) => BearerAuthResult.pick({ accessToken: true, refreshToken: true }).parse(result)));
  }
  return sessions;
}

/** Signs `count` users up through the API (the server's own hashing). */
export async function signUpUsers(baseUrl: string, count: number, runId: string): Promise<{ users: BenchUser[]; sessions: SessionTokens[] }> {
  const users = Array.from({ length: count }, (_, i) => ({ email: `bench-${runId}-${i}@example.com`, password: BENCH_PASSWORD }));
  const api = benchClient(baseUrl);
  return { users, sessions: await sessionsOf(users, (user) => api.auth.signup.mutate(user)) };
}

/** More sessions (one per login) for the given users. */
export function logIn(baseUrl: string, users: BenchUser[]): Promise<SessionTokens[]> {
  const api = benchClient(baseUrl);
  return sessionsOf(users, (user) => api.auth.login.mutate(user));
}
