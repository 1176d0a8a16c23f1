import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startMailSink } from './mail-sink';

const root = resolve(__dirname, '../../../..');

interface StartedServer {
  readonly url: string;
  readonly logPath: string;
  readonly child: ChildProcess;
  readonly dataDir: string;
}

/** Starts the built API (which serves the built web app) on a free port with a fresh embedded database. */
async function startServer(name: string, env: Record<string, string>): Promise<StartedServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `web-e2e-${name}-`));
  const logDir = resolve(root, 'tmp/e2e');
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `server-${name}.log`);
  const log = openSync(logPath, 'w');
  const child = spawn(process.execPath, ['--enable-source-maps', resolve(root, 'dist/apps/api/main.mjs')], {
    cwd: root,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      BCRYPT_COST: '4',
      LOG_LEVEL: 'info',
      WEB_DIR: resolve(root, 'dist/apps/web/browser'),
      ...env,
    },
  });
  closeSync(log);

  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const text = readFileSync(logPath, 'utf8');
    const port = /App ready at http:\/\/[^:\s]+:(\d+)/.exec(text)?.[1];
    // Chromium treats localhost as a secure context, so the Secure cookies work over plain http.
    if (port) return { url: `http://localhost:${port}`, logPath, child, dataDir };
    if (child.exitCode !== null) throw new Error(`The ${name} server exited (${child.exitCode}):\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`The ${name} server did not start within 90 s; see ${logPath}`);
}

function stop(server: StartedServer): Promise<void> {
  return new Promise((resolvePromise) => {
    if (server.child.exitCode !== null) return resolvePromise();
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
    server.child.once('exit', () => {
      clearTimeout(timer);
      rmSync(server.dataDir, { recursive: true, force: true });
      resolvePromise();
    });
    server.child.kill('SIGTERM');
  });
}

/**
 * Builds api and web (skip with E2E_SKIP_BUILD=1, as `nx e2e web-e2e` does: Nx has built them
 * first, its e2e target depending on their build), then starts three servers, side by side:
 * - `main`: 3 s access tokens, so tests can outlive one and watch the silent refresh;
 * - `short`: a 6 s absolute session, so a test can watch the refresh token itself expire;
 * - `verified-only`: REQUIRE_EMAIL_VERIFICATION=true, so a test can watch what an unverified
 *   account sees there.
 * The main and verified-only servers mail through a real SMTP server started here (see
 * mail-sink.ts), whose mails the tests read from tmp/e2e/mail. The URLs, log files and that folder
 * reach the tests through the environment.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env['E2E_SKIP_BUILD'] !== '1') {
    const build = spawnSync(resolve(root, 'node_modules/.bin/nx'), ['run-many', '-t', 'build', '--projects=api,web', '--output-style=stream'], {
      cwd: root,
      stdio: 'inherit',
      env: { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...process.env },
    });
    if (build.status !== 0) throw new Error('Building api and web failed; see the output above');
  }
  if (!existsSync(resolve(root, 'dist/apps/web/browser/index.html'))) throw new Error('dist/apps/web/browser is missing: build web first');

  rmSync(resolve(root, 'tmp/e2e/screenshots'), { recursive: true, force: true });
  const mailDir = resolve(root, 'tmp/e2e/mail');
  const mailSink = await startMailSink(mailDir);
  const started = await Promise.allSettled([
    startServer('main', { ACCESS_TOKEN_TTL: '3s', SMTP_URL: mailSink.url, MAIL_TRANSPORT: 'smtp' }),
    startServer('short', { ACCESS_TOKEN_TTL: '2s', REFRESH_TOKEN_TTL: '6s' }),
    startServer('verified-only', { REQUIRE_EMAIL_VERIFICATION: 'true', SMTP_URL: mailSink.url, MAIL_TRANSPORT: 'smtp' }),
  ]);
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result) => result.status === 'rejected');
  const [main, short, verifiedOnly] = servers;
  if (failure || !main || !short || !verifiedOnly) {
    await Promise.all([...servers.map(stop), mailSink.stop()]);
    throw failure?.status === 'rejected' ? failure.reason : new Error('A server did not start');
  }
  process.env['E2E_BASE_URL'] = main.url;
  process.env['E2E_SERVER_LOG'] = main.logPath;
  process.env['E2E_SHORT_SESSION_URL'] = short.url;
  process.env['E2E_VERIFIED_ONLY_URL'] = verifiedOnly.url;
  process.env['E2E_MAIL_DIR'] = mailDir;

  return async () => {
    await Promise.all([stop(main), stop(short), stop(verifiedOnly)]);
    await mailSink.stop();
  };
}
