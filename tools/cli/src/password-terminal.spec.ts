import { startTestServer, strongPassword, type TestServer, trpcMutation, uniqueEmail } from '@app/server-testing';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');

/** Quotes one word for `sh -c`. */
const shellWord = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the CLI on a real pseudo-terminal (util-linux `script`), answering each prompt when it
 * appears, as a person would. Returns everything the terminal showed: the CLI's output and any
 * echo of what was typed.
 */
function onTerminal(args: string[], answers: { prompt: string; typed: string }[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; screen: string }> {
  const command = [tsx, join(root, 'tools/cli/src/main.ts'), ...args].map(shellWord).join(' ');
  const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let next = 0;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    screen += chunk;
    const answer = answers[next];
    // Each prompt appears once per question: answer it when the count of its text says it is new.
    if (answer && screen.split(answer.prompt).length - 1 > answers.slice(0, next).filter((a) => a.prompt === answer.prompt).length) {
      next += 1;
      child.stdin.write(`${answer.typed}\r`);
    }
  });
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      child.stdin.end();
      resolvePromise({ code, screen });
    });
  });
}

describe('cli password prompts on a real terminal', { timeout: 120_000 }, () => {
  let server: TestServer;
  let home: string;
  beforeAll(async () => {
    server = await startTestServer();
    home = await mkdtemp(join(tmpdir(), 'cli-tty-'));
  });
  afterAll(async () => {
    await server?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('password change asks the current password and the new one twice, echoing none of them', async () => {
    const email = uniqueEmail('cli-tty');
    const password = strongPassword();
    expect((await trpcMutation(server.url, 'auth.signup', { email, password })).status).toBe(200);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, API_URL: server.url, API_TOKEN_FILE: join(home, 'session.json') };
    const login = await onTerminal(['login', '--email', email], [{ prompt: 'Password: ', typed: password }], env);
    expect(login.code, login.screen).toBe(0);
    expect(login.screen).not.toContain(password);

    // A typo in the repeated password changes nothing.
    const first = strongPassword();
    const mismatch = await onTerminal(
      ['password', 'change'],
      [
        { prompt: 'Current password: ', typed: password },
        { prompt: 'New password: ', typed: first },
        { prompt: 'New password again: ', typed: `${first}x` },
      ],
      env,
    );
    expect(mismatch.code, mismatch.screen).toBe(2);
    expect(mismatch.screen).toContain('The two new passwords differ; nothing was changed');
    expect((await trpcMutation(server.url, 'auth.login', { email, password })).status).toBe(200);

    const newPassword = strongPassword();
    const changed = await onTerminal(
      ['password', 'change'],
      [
        { prompt: 'Current password: ', typed: password },
        { prompt: 'New password: ', typed: newPassword },
        { prompt: 'New password again: ', typed: newPassword },
      ],
      env,
    );
    expect(changed.code, changed.screen).toBe(0);
    expect(changed.screen).toContain(`Password changed for ${email}.`);
    for (const secret of [password, newPassword, first]) expect(changed.screen + mismatch.screen).not.toContain(secret);
    expect((await trpcMutation(server.url, 'auth.login', { email, password: newPassword })).status).toBe(200);
  });
});
