import { AccountMessages, ErrorMessages } from '@app/contracts';
import { mailThrough, SmtpSink, startTestServer, strongPassword, type TestServer, trpcMutation, trpcQuery, uniqueEmail } from '@app/server-testing';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');
/** The kind the server gives its reset mails (a header the SMTP sink reads). */
const RESET_MAIL = 'password_reset';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `password change`, `password forgot` and `password reset` end to end: real CLI processes over
 * HTTP to a real server, whose mail goes to an SMTP server in this process. Passwords travel on
 * stdin (`--passwords-stdin`): a spawned process has no terminal to ask on.
 */
describe('cli password commands (spawned processes against the real server)', { timeout: 120_000 }, () => {
  let server: TestServer;
  let sink: SmtpSink;
  let home: string;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    server = await startTestServer({ config: mailThrough(sink) });
    home = await mkdtemp(join(tmpdir(), 'cli-password-'));
  });
  afterAll(async () => {
    await server?.close();
    await sink?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  function cli(args: string[], input: string, tokenFile: string): Promise<CliRun> {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, API_URL: server.url, API_TOKEN_FILE: tokenFile };
    delete env['XDG_CONFIG_HOME'];
    return new Promise((resolvePromise, reject) => {
      const child = spawn(tsx, [join(root, 'tools/cli/src/main.ts'), ...args], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
      child.stdin.end(input);
    });
  }

  async function account(): Promise<{ email: string; password: string; tokenFile: string }> {
    const email = uniqueEmail('cli-pw');
    const password = strongPassword();
    const res = await trpcMutation(server.url, 'auth.signup', { email, password });
    expect(res.status, res.text).toBe(200);
    return { email, password, tokenFile: join(home, `${email}.json`) };
  }

  const login = (who: { email: string; password: string }, tokenFile: string) =>
    cli(['login', '--email', who.email, '--password-stdin'], `${who.password}\n`, tokenFile);
  const loginStatus = async (email: string, password: string) => (await trpcMutation(server.url, 'auth.login', { email, password })).status;

  it('password change: stores the new session, signs the other devices out, and the new password works', async () => {
    const me = await account();
    expect((await login(me, me.tokenFile)).code).toBe(0);
    const otherDevice = join(home, `${me.email}.other.json`);
    expect((await login(me, otherDevice)).code).toBe(0);
    const before = await readFile(me.tokenFile, 'utf8');

    const newPassword = strongPassword();
    const changed = await cli(['password', 'change', '--passwords-stdin'], `${me.password}\n${newPassword}\n`, me.tokenFile);
    expect(changed, changed.stderr).toMatchObject({ code: 0 });
    expect(changed.stdout).toContain(`Password changed for ${me.email}. Your other devices were signed out; this one stays signed in.`);
    // Neither password shows anywhere.
    expect(changed.stdout + changed.stderr).not.toContain(newPassword);
    expect(changed.stdout + changed.stderr).not.toContain(me.password);

    // This device goes on with the new session, stored in its file.
    expect(await readFile(me.tokenFile, 'utf8')).not.toBe(before);
    const whoami = await cli(['whoami'], '', me.tokenFile);
    expect(whoami, whoami.stderr).toMatchObject({ code: 0 });
    expect(whoami.stdout).toContain(me.email);
    // The other device was signed out.
    const other = await cli(['whoami'], '', otherDevice);
    expect(other.code).toBe(3);
    expect(await loginStatus(me.email, me.password)).toBe(401);
    expect(await loginStatus(me.email, newPassword)).toBe(200);
  });

  it('password change --keep-other-sessions keeps the other devices signed in', async () => {
    const me = await account();
    expect((await login(me, me.tokenFile)).code).toBe(0);
    const otherDevice = join(home, `${me.email}.other.json`);
    expect((await login(me, otherDevice)).code).toBe(0);
    const changed = await cli(['password', 'change', '--keep-other-sessions', '--passwords-stdin'], `${me.password}\n${strongPassword()}\n`, me.tokenFile);
    expect(changed, changed.stderr).toMatchObject({ code: 0 });
    expect(changed.stdout).toContain('Your other devices stay signed in.');
    expect((await cli(['whoami'], '', otherDevice)).code).toBe(0);
    expect((await cli(['whoami'], '', me.tokenFile)).code).toBe(0);
  });

  it('password change fails clearly: wrong current password (exit 3), weak new password (exit 2, the policy), not signed in, passwords missing', async () => {
    const me = await account();
    expect((await login(me, me.tokenFile)).code).toBe(0);

    const wrong = await cli(['password', 'change', '--passwords-stdin'], `${me.password}x\n${strongPassword()}\n`, me.tokenFile);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain(`${ErrorMessages.currentPasswordIncorrect}; nothing was changed.`);
    expect((await cli(['whoami'], '', me.tokenFile)).code).toBe(0);

    const weak = await cli(['password', 'change', '--passwords-stdin'], `${me.password}\npassword\n`, me.tokenFile);
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/Invalid input:\n {2}newPassword: /);

    const oneLine = await cli(['password', 'change', '--passwords-stdin'], `${me.password}\n`, me.tokenFile);
    expect(oneLine.code).toBe(2);
    expect(oneLine.stderr).toContain('--passwords-stdin expects two lines: the current password, then the new one');

    const noTerminal = await cli(['password', 'change'], '', me.tokenFile);
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.stderr).toContain('No terminal to read the passwords from; pipe them in with --passwords-stdin');

    const signedOut = await cli(['password', 'change', '--passwords-stdin'], `${me.password}\n${strongPassword()}\n`, join(home, 'nobody.json'));
    expect(signedOut.code).toBe(2);
    expect(signedOut.stderr).toContain('Not signed in to');
    expect(await loginStatus(me.email, me.password)).toBe(200);
  });

  it('password forgot, then password reset with the mailed link: every session ends, the new password works', async () => {
    const me = await account();
    expect((await login(me, me.tokenFile)).code).toBe(0);

    const forgot = await cli(['password', 'forgot', me.email], '', join(home, 'anonymous.json'));
    expect(forgot, forgot.stderr).toMatchObject({ code: 0 });
    expect(forgot.stdout).toContain(AccountMessages.resetRequested);
    // The same answer for an email without an account.
    const unknown = await cli(['password', 'forgot', uniqueEmail('nobody')], '', join(home, 'anonymous.json'));
    expect(unknown).toMatchObject({ code: 0, stdout: forgot.stdout });

    const mail = await sink.waitForMail(me.email, RESET_MAIL);
    const newPassword = strongPassword();
    // The whole link, as pasted from the mail, works as well as the bare token.
    const reset = await cli(['password', 'reset', '--token', mail.link ?? '', '--passwords-stdin'], `${newPassword}\n`, join(home, 'anonymous.json'));
    expect(reset, reset.stderr).toMatchObject({ code: 0 });
    expect(reset.stdout).toContain(AccountMessages.passwordReset);
    expect(await loginStatus(me.email, me.password)).toBe(401);
    expect(await loginStatus(me.email, newPassword)).toBe(200);
    // The session this device held ended with the reset.
    expect((await cli(['whoami'], '', me.tokenFile)).code).toBe(3);

    // A used link says so (exit 2), and changes nothing.
    const again = await cli(['password', 'reset', '--token', mail.token ?? '', '--passwords-stdin'], `${strongPassword()}\n`, join(home, 'anonymous.json'));
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(ErrorMessages.resetTokenUsed);
    expect(await loginStatus(me.email, newPassword)).toBe(200);
  });

  it('password forgot and reset refuse bad input clearly', async () => {
    const badEmail = await cli(['password', 'forgot', 'not-an-email'], '', join(home, 'anonymous.json'));
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toMatch(/Invalid input:\n {2}email: /);

    const noToken = await cli(['password', 'reset', '--passwords-stdin'], `${strongPassword()}\n`, join(home, 'anonymous.json'));
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('--token is required');

    const unknownToken = await cli(['password', 'reset', '--token', 'A'.repeat(43), '--passwords-stdin'], `${strongPassword()}\n`, join(home, 'anonymous.json'));
    expect(unknownToken.code).toBe(2);
    expect(unknownToken.stderr).toContain(ErrorMessages.resetTokenInvalid);

    const linkWithoutToken = await cli(['password', 'reset', '--token', 'http://localhost:4200/reset-password', '--passwords-stdin'], `${strongPassword()}\n`, join(home, 'anonymous.json'));
    expect(linkWithoutToken.code).toBe(2);
    expect(linkWithoutToken.stderr).toContain('That link has no token');
  });

  it('--help lists the password commands', async () => {
    const help = await cli(['--help'], '', join(home, 'anonymous.json'));
    for (const line of ['password change [--keep-other-sessions] [--passwords-stdin]', 'password forgot <email>', 'password reset --token <token or link> [--passwords-stdin]']) {
      expect(help.stdout).toContain(line);
    }
    expect((await trpcQuery(server.url, 'auth.me')).status).toBe(401);
  });
});
