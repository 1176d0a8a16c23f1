import { isApiClientError } from '@app/api-client';
import type { Session, User } from '@app/contracts';
import { type Command, flag, stringOption } from '../cli-command';
import { CliError, ExitCode, UsageError } from '../cli-errors';
import { formatInstant, renderTable } from '../cli-output';
import { promptHidden, promptLine, readAllStdin } from '../terminal-input';

const describeUser = (user: User) => `${user.email} (${user.role})`;

export const loginCommand: Command = {
  words: ['login'],
  usage: '[--email <email>] [--password-stdin]',
  summary: 'Sign in; the password is asked without echo, or read from stdin with --password-stdin',
  options: { email: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
  async run({ api, out, url, options, stdin, stderr, clientFor }) {
    const passwordFromStdin = flag(options, 'password-stdin');
    const email = stringOption(options, 'email') ?? (stdin.isTTY && !passwordFromStdin ? await promptLine('Email: ', stdin, stderr) : undefined);
    if (!email) throw new UsageError('--email is required when not asking on a terminal');
    const password = passwordFromStdin ? await readAllStdin(stdin) : await promptHidden('Password: ', stdin, stderr);

    const previous = await api.session();
    const user = await api.login({ email, password });
    // The new session replaces the stored one: end the old one on the server too (best effort).
    if (previous && previous.refreshToken !== (await api.session())?.refreshToken) {
      await clientFor(previous)
        .logout()
        .catch(() => undefined);
    }
    out.result(user, () => `Signed in to ${url} as ${describeUser(user)}.`);
  },
};

export const logoutCommand: Command = {
  words: ['logout'],
  usage: '[--all]',
  summary: 'Sign out (with --all: on every device)',
  options: { all: { type: 'boolean' } },
  async run({ api, out, url, options }) {
    if (!(await api.session())) {
      out.result({ ok: true, signedIn: false }, () => `Not signed in to ${url}; nothing to do.`);
      return;
    }
    const allDevices = flag(options, 'all');
    try {
      await api.logout({ allDevices });
    } catch (error) {
      if (isApiClientError(error) && !error.data) {
        throw new CliError(
          `Removed the local session, but could not reach ${url} to end it there; it stays valid on the server until it expires.`,
          ExitCode.Unreachable,
        );
      }
      throw error;
    }
    out.result({ ok: true, signedIn: true }, () => (allDevices ? 'Signed out on every device.' : 'Signed out.'));
  },
};

export const whoamiCommand: Command = {
  words: ['whoami'],
  usage: '',
  summary: 'Show who is signed in (asks the server)',
  async run({ api, out, url }) {
    if (!(await api.session())) throw new CliError(`Not signed in to ${url}. Sign in with: npm run cli -- login`, ExitCode.NotSignedIn);
    const user = await api.auth.me.query();
    out.result(user, () => `${describeUser(user)}\nid:     ${user.id}\nserver: ${url}`);
  },
};

function sessionsTable(sessions: Session[]): string {
  if (sessions.length === 0) return 'No active sessions.';
  return renderTable(sessions, [
    { header: '', value: (s) => (s.current ? '*' : '') },
    { header: 'ID', value: (s) => s.id },
    { header: 'CREATED', value: (s) => formatInstant(s.createdAt) },
    { header: 'LAST USED', value: (s) => formatInstant(s.lastUsedAt) },
    { header: 'EXPIRES', value: (s) => formatInstant(s.expiresAt) },
    { header: 'IP', value: (s) => s.ip ?? '' },
    { header: 'USER AGENT', value: (s) => s.userAgent ?? '', max: 50 },
  ]);
}

export const sessionsCommand: Command = {
  words: ['sessions'],
  usage: '',
  summary: 'List your active sessions (* marks this one)',
  async run({ api, out }) {
    const sessions = await api.auth.sessions.query();
    out.result(sessions, () => sessionsTable(sessions));
  },
};

export const sessionsListCommand: Command = { ...sessionsCommand, words: ['sessions', 'list'] };

export const sessionsRevokeCommand: Command = {
  words: ['sessions', 'revoke'],
  usage: '<session-id>',
  summary: 'End one of your sessions (e.g. a lost device)',
  args: { min: 1, max: 1 },
  async run({ api, out, args }) {
    const sessionId = args[0] ?? '';
    await api.auth.revokeSession.mutate({ sessionId });
    out.result({ ok: true, sessionId }, () => `Session ${sessionId} ended.`);
  },
};
