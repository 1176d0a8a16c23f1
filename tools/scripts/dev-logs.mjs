// Development logs for `npm start`: the server always writes JSON lines (one object per event,
// as pino writes them in production); on a terminal, start.mjs passes them through pino-pretty,
// which shows each line's fields (time, level, pid, hostname, msg, req, res, err…) on one
// readable line. Lines that are not JSON (the "App ready" banner) pass through unchanged.
// LOG_FORMAT=json or LOG_FORMAT=pretty overrides the terminal check.
import pinoPretty from 'pino-pretty';

/** Pretty lines when asked for, else on a terminal unless LOG_FORMAT=json. */
export function wantsPrettyLogs(env, isTerminal) {
  if (env.LOG_FORMAT === 'pretty') return true;
  if (env.LOG_FORMAT === 'json') return false;
  return Boolean(isTerminal);
}

/** A stream that turns pino's JSON lines into pretty ones and writes them to `destination`. */
export function prettyLogStream(destination, { colorize = false } = {}) {
  return pinoPretty({ destination, colorize, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: '', sync: true });
}

// As a filter: `node dist/apps/api/main.mjs | node tools/scripts/dev-logs.mjs`.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdin.pipe(prettyLogStream(process.stdout, { colorize: process.stdout.isTTY }));
}
