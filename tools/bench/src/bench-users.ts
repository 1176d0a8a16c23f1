/** Tokens of one session, as a non-browser client receives them. */
export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
}

export interface BenchUser {
  email: string;
  password: string;
}

interface AuthData extends SessionTokens {
  user: { id: string; email: string; role: string };
}

export async function call<T>(baseUrl: string, path: string, init: { body?: unknown; token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.token) headers['authorization'] = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}/trpc/${path}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { result: { data: T } }).result.data;
}

/** A password that passes the policy (upper, lower, digit, symbol; not a common one). */
export const BENCH_PASSWORD = 'Bench#Pass-2026';

/** Signs `count` users up through the API (the server's own hashing), a few at a time. */
export async function signUpUsers(baseUrl: string, count: number, runId: string): Promise<{ users: BenchUser[]; sessions: SessionTokens[] }> {
  const users = Array.from({ length: count }, (_, i) => ({ email: `bench-${runId}-${i}@example.com`, password: BENCH_PASSWORD }));
  const sessions: SessionTokens[] = [];
  for (let i = 0; i < users.length; i += 8) {
    const batch = await Promise.all(users.slice(i, i + 8).map((u) => call<AuthData>(baseUrl, 'auth.signup', { body: u })));
    sessions.push(...batch.map(({ accessToken, refreshToken }) => ({ accessToken, refreshToken })));
  }
  return { users, sessions };
}

/** More sessions (one per login) for the given users. */
export async function logIn(baseUrl: string, users: BenchUser[]): Promise<SessionTokens[]> {
  const sessions: SessionTokens[] = [];
  for (let i = 0; i < users.length; i += 8) {
    const batch = await Promise.all(users.slice(i, i + 8).map((u) => call<AuthData>(baseUrl, 'auth.login', { body: u })));
    sessions.push(...batch.map(({ accessToken, refreshToken }) => ({ accessToken, refreshToken })));
  }
  return sessions;
}
