#!/usr/bin/env node
// `npm start`: build what is needed (API bundle, web app), then run one server on PORT
// serving /trpc, /healthz, /readyz and the web app. Without DATABASE_URL it uses the
// embedded PGlite database under .data/ and prints demo logins on its first start.
// Logs: JSON lines, shown as pretty lines on a terminal (see dev-logs.mjs; LOG_FORMAT overrides).
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { prettyLogStream, wantsPrettyLogs } from './dev-logs.mjs';

const root = resolve(import.meta.dirname, '../..');
const nx = join(root, 'node_modules/.bin/nx');

const build = spawnSync(nx, ['run-many', '-t', 'build', '--projects=api,web', '--output-style=stream'], {
  cwd: root,
  stdio: 'inherit',
  env: { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...process.env },
});
if (build.status !== 0) {
  console.error('Build failed; see the output above.');
  process.exit(build.status ?? 1);
}

const pretty = wantsPrettyLogs(process.env, process.stdout.isTTY);
const server = spawn(process.execPath, ['--enable-source-maps', join(root, 'dist/apps/api/main.mjs')], {
  cwd: root,
  stdio: ['inherit', pretty ? 'pipe' : 'inherit', 'inherit'],
  env: process.env,
});
if (pretty) server.stdout.pipe(prettyLogStream(process.stdout, { colorize: process.stdout.isTTY }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
// 'close', not 'exit': the last log lines are through the pipe by then.
server.on('close', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
