import { createApiClient } from '@app/api-client';
import { sessionIdOf, startTestServer, strongPassword, type TestServer, uniqueEmail } from '@app/server-testing';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI end to end: each command is a real `tsx tools/cli/src/main.ts …` process talking HTTP
 * to a real server, with its own HOME and token file so nothing touches the real home directory.
 */
// Each process start costs a second or two on a busy machine: allow several per test.
describe('cli (spawned processes against the real server)', { timeout: 120_000 }, () => {
  let server: TestServer;
  let home: string;
  const user = { email: uniqueEmail('cli-user'), password: strongPassword() };
  const admin = { email: uniqueEmail('cli-admin'), password: strongPassword() };

  beforeAll(async () => {
    // Access tokens live 2 s, so commands run seconds apart also exercise refresh from the file.
    server = await startTestServer({ config: { accessTokenTtlMs: 2_000 } });
    home = await mkdtemp(join(tmpdir(), 'cli-home-'));
    await server.services.users.ensureAdmin(admin.email, admin.password);
    await createApiClient({ url: server.url }).signup(user);
  });
  afterAll(async () => {
    await server?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  function cli(args: string[], options: { input?: string; tokenFile?: string | null; url?: string | null } = {}): Promise<CliRun> {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete env['XDG_CONFIG_HOME'];
    delete env['API_URL'];
    delete env['API_TOKEN_FILE'];
    if (options.url !== null) env['API_URL'] = options.url ?? server.url;
    if (options.tokenFile !== null) env['API_TOKEN_FILE'] = options.tokenFile ?? join(home, 'tokens', 'session.json');
    return new Promise((resolvePromise, reject) => {
      const child = spawn(tsx, [join(root, 'tools/cli/src/main.ts'), ...args], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
      child.stdin.end(options.input ?? '');
    });
  }

  const login = (who: { email: string; password: string }, tokenFile?: string) =>
    cli(['login', '--email', who.email, '--password-stdin'], { input: `${who.password}\n`, tokenFile });

  it('login, add, list --json; rm as a non-admin fails with exit code 4 and a clear message', async () => {
    const signedIn = await login(user);
    expect(signedIn).toMatchObject({ code: 0 });
    expect(signedIn.stdout).toContain(`Signed in to ${server.url} as ${user.email} (user)`);
    const tokenFile = join(home, 'tokens', 'session.json');
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);

    const lastName = `Cli${Date.now().toString(36)}`;
    const added = await cli(['people', 'add', 'Grace', lastName, '--json']);
    expect(added.code).toBe(0);
    const person = JSON.parse(added.stdout) as { id: number; firstName: string; lastName: string };
    expect(person).toMatchObject({ firstName: 'Grace', lastName });

    const listed = await cli(['people', 'list', '--search', lastName, '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({ items: [expect.objectContaining({ id: person.id, firstName: 'Grace', lastName })], nextCursor: null });

    const table = await cli(['people', 'list', '--search', lastName]);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+FIRST NAME\s+LAST NAME\s+UPDATED$/);
    expect(table.stdout).toContain(`Grace       ${lastName}`);

    const removed = await cli(['people', 'rm', String(person.id)]);
    expect(removed.code).toBe(4);
    expect(removed.stderr).toContain('You are not allowed to do this: this needs the admin role.');
    expect(removed.stderr).toContain(`signed in as ${user.email} (role: user)`);
    expect(removed.stdout).toBe('');
    const still = await server.services.db.selectFrom('people').select('id').where('id', '=', person.id).executeTakeFirst();
    expect(still).toEqual({ id: person.id });
  });

  it('as an admin: removes people, lists users, changes a role by email', async () => {
    const tokenFile = join(home, 'admin', 'session.json');
    expect((await login(admin, tokenFile)).code).toBe(0);
    const admin$ = (args: string[]) => cli(args, { tokenFile });

    const lastName = `Rm${Date.now().toString(36)}`;
    const added = JSON.parse((await admin$(['people', 'add', '--first-name', 'Alan', '--last-name', lastName, '--json'])).stdout) as { id: number };
    const removed = await admin$(['people', 'rm', String(added.id), '--json']);
    expect(removed).toMatchObject({ code: 0 });
    expect(JSON.parse(removed.stdout)).toEqual({ removed: [added.id] });
    expect(await admin$(['people', 'rm', String(added.id)])).toMatchObject({ code: 5, stderr: 'Error: Person not found\n' });

    const users = await admin$(['users', 'list', '--all', '--json']);
    expect((JSON.parse(users.stdout) as { items: { email: string }[] }).items.map((u) => u.email)).toEqual(expect.arrayContaining([admin.email]));

    const target = { email: uniqueEmail('cli-target'), password: strongPassword() };
    await createApiClient({ url: server.url }).signup(target);
    const promoted = await admin$(['users', 'set-role', target.email, 'admin']);
    expect(promoted).toMatchObject({ code: 0, stdout: `${target.email} is now admin.\n` });
  });

  it('people list --all follows the cursors to the end', async () => {
    const tokenFile = join(home, 'pages', 'session.json');
    expect((await login(user, tokenFile)).code).toBe(0);
    const lastName = `Page${Date.now().toString(36)}`;
    const api = createApiClient({ url: server.url });
    await api.login(user);
    for (const firstName of ['Ann', 'Bob', 'Cy', 'Dee', 'Eve']) await api.people.create.mutate({ firstName, lastName });

    const onePage = JSON.parse((await cli(['people', 'list', '--search', lastName, '--limit', '2', '--json'], { tokenFile })).stdout) as {
      items: unknown[];
      nextCursor: string | null;
    };
    expect(onePage.items).toHaveLength(2);
    expect(onePage.nextCursor).toEqual(expect.any(String));

    const all = await cli(['people', 'list', '--search', lastName, '--limit', '2', '--all', '--json'], { tokenFile });
    const everything = JSON.parse(all.stdout) as { items: { firstName: string }[]; nextCursor: string | null };
    expect(everything.items.map((p) => p.firstName)).toEqual(['Ann', 'Bob', 'Cy', 'Dee', 'Eve']);
    expect(everything.nextCursor).toBeNull();
  });

  it('keeps the session across processes, refreshing an expired token from the file', async () => {
    const tokenFile = join(home, 'refresh', 'session.json');
    expect((await login(user, tokenFile)).code).toBe(0);
    const before = JSON.parse(await readFile(tokenFile, 'utf8')) as { session: { refreshToken: string; accessTokenExpiresAt: string } };
    const wait = Date.parse(before.session.accessTokenExpiresAt) - Date.now() + 100;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));

    const whoami = await cli(['whoami', '--json'], { tokenFile });
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ email: user.email, role: 'user' });
    const after = JSON.parse(await readFile(tokenFile, 'utf8')) as { session: { refreshToken: string } };
    expect(after.session.refreshToken).not.toBe(before.session.refreshToken);
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    const sessionId = sessionIdOf(before.session.refreshToken);
    const row = await server.services.db.selectFrom('sessions').select(['generation', 'revoked_at']).where('id', '=', sessionId).executeTakeFirstOrThrow();
    expect(row).toEqual({ generation: 1, revoked_at: null });
  });

  it('logs out, then reports "not signed in" with exit code 3', async () => {
    const tokenFile = join(home, 'logout', 'session.json');
    expect((await login(user, tokenFile)).code).toBe(0);
    const sessions = await cli(['sessions', '--json'], { tokenFile });
    const current = (JSON.parse(sessions.stdout) as { current: boolean; userAgent: string }[]).find((s) => s.current);
    expect(current?.userAgent).toMatch(/^authstack-cli/);

    expect(await cli(['logout'], { tokenFile })).toMatchObject({ code: 0, stdout: 'Signed out.\n' });
    await expect(stat(tokenFile)).rejects.toMatchObject({ code: 'ENOENT' });
    const whoami = await cli(['whoami'], { tokenFile });
    expect(whoami.code).toBe(3);
    expect(whoami.stderr).toContain('Not signed in');
  });

  it('logout after the access token expired ends the session on the server, with no refresh first', async () => {
    const tokenFile = join(home, 'logout-expired', 'session.json');
    expect((await login(user, tokenFile)).code).toBe(0);
    const stored = JSON.parse(await readFile(tokenFile, 'utf8')) as { session: { refreshToken: string; accessTokenExpiresAt: string } };
    const wait = Date.parse(stored.session.accessTokenExpiresAt) - Date.now() + 100;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));

    expect(await cli(['logout'], { tokenFile })).toMatchObject({ code: 0, stdout: 'Signed out.\n' });
    await expect(stat(tokenFile)).rejects.toMatchObject({ code: 'ENOENT' });
    // Never rotated: the refresh token in the sign-out ended the session, not a refresh and a retry.
    const sessionId = sessionIdOf(stored.session.refreshToken);
    const row = await server.services.db.selectFrom('sessions').select(['generation', 'revoked_at']).where('id', '=', sessionId).executeTakeFirstOrThrow();
    expect(row.generation).toBe(0);
    expect(row.revoked_at).not.toBeNull();
  });

  it('fails clearly: wrong password, bad input, unknown command, unreachable server', async () => {
    const tokenFile = join(home, 'errors', 'session.json');
    const wrong = await cli(['login', '--email', user.email, '--password-stdin'], { input: 'Wrong#Pass1\n', tokenFile });
    expect(wrong).toMatchObject({ code: 3, stderr: 'Error: Invalid email or password\n' });

    expect((await login(user, tokenFile)).code).toBe(0);
    const invalid = await cli(['people', 'add', ' ', 'x', '--json'], { tokenFile });
    expect(invalid.code).toBe(2);
    expect(JSON.parse(invalid.stderr)).toMatchObject({
      error: { exitCode: 2, code: 'BAD_REQUEST', appCode: 'INVALID_INPUT', fieldErrors: { firstName: ['First name is required'] } },
    });

    const unknown = await cli(['people', 'frobnicate'], { tokenFile });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "people frobnicate"');

    // A server that is not there (the session is scoped to its URL, so sign in there first).
    const nowhere = 'http://127.0.0.1:9';
    const unreachable = await cli(['login', '--email', user.email, '--password-stdin'], { input: user.password, tokenFile, url: nowhere });
    expect(unreachable.code).toBe(6);
    expect(unreachable.stderr).toContain(`Cannot reach the server at ${nowhere}`);
  });

  it('keeps the session under ~/.config/authstack by default, and --url wins over API_URL', async () => {
    const result = await cli(['login', '--email', user.email, '--password-stdin', '--url', server.url], {
      input: user.password,
      tokenFile: null,
      url: 'http://127.0.0.1:9',
    });
    expect(result.code).toBe(0);
    const file = join(home, '.config', 'authstack', 'session.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ scope: server.url, session: { user: { email: user.email } } });
  });
});
