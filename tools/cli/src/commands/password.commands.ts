import { AccountMessages } from '@app/contracts';
import { type Command, type CommandContext, flag, stringOption } from '../cli-command';
import { UsageError } from '../cli-errors';
import { promptHidden, readAllStdin } from '../terminal-input';

/**
 * The passwords a command needs, in order: asked without echo on a terminal (a new password
 * twice, to catch a typo), or one per line from stdin with `--passwords-stdin`.
 */
async function readPasswords(context: CommandContext, prompts: { current: boolean }): Promise<{ current?: string; next: string }> {
  const { stdin, stderr, options } = context;
  if (flag(options, 'passwords-stdin')) {
    const lines = (await readAllStdin(stdin)).split(/\r?\n/);
    const wanted = prompts.current ? 2 : 1;
    if (lines.length !== wanted || lines.some((line) => line === '')) {
      throw new UsageError(
        prompts.current
          ? '--passwords-stdin expects two lines: the current password, then the new one'
          : '--passwords-stdin expects one line: the new password',
      );
    }
    return prompts.current ? { current: lines[0] ?? '', next: lines[1] ?? '' } : { next: lines[0] ?? '' };
  }
  if (!stdin.isTTY) throw new UsageError('No terminal to read the passwords from; pipe them in with --passwords-stdin');
  const current = prompts.current ? await promptHidden('Current password: ', stdin, stderr) : undefined;
  const next = await promptHidden('New password: ', stdin, stderr);
  const again = await promptHidden('New password again: ', stdin, stderr);
  if (next !== again) throw new UsageError('The two new passwords differ; nothing was changed');
  return current === undefined ? { next } : { current, next };
}

/** The token of a reset link: the token itself, or the whole link as it came in the mail. */
function linkToken(value: string): string {
  if (!/^https?:\/\//i.test(value)) return value.trim();
  const token = new URL(value).searchParams.get('token');
  if (!token) throw new UsageError('That link has no token: paste the whole link from the email');
  return token;
}

export const passwordChangeCommand: Command = {
  words: ['password', 'change'],
  usage: '[--keep-other-sessions] [--passwords-stdin]',
  summary: 'Change your password (asked without echo); signs out your other devices unless --keep-other-sessions',
  options: { 'keep-other-sessions': { type: 'boolean' }, 'passwords-stdin': { type: 'boolean' } },
  async run(context) {
    const { api, out, options } = context;
    if (!(await api.session())) throw new UsageError(`Not signed in to ${context.url}; sign in first with: npm run cli -- login`);
    const { current, next } = await readPasswords(context, { current: true });
    const signOutOtherDevices = !flag(options, 'keep-other-sessions');
    // The answer is a new session for this device: the client stores it (the old one has ended).
    const user = await api.changePassword({ currentPassword: current ?? '', newPassword: next, signOutOtherDevices });
    out.result({ ok: true, user, otherSessionsEnded: signOutOtherDevices }, () =>
      signOutOtherDevices
        ? `Password changed for ${user.email}. Your other devices were signed out; this one stays signed in.`
        : `Password changed for ${user.email}. Your other devices stay signed in.`,
    );
  },
};

export const passwordForgotCommand: Command = {
  words: ['password', 'forgot'],
  usage: '<email>',
  summary: 'Ask for a password reset link by email',
  args: { min: 1, max: 1 },
  async run({ api, out, args }) {
    await api.auth.requestPasswordReset.mutate({ email: args[0] ?? '' });
    out.result({ ok: true }, () => `${AccountMessages.resetRequested}\nThen run: npm run cli -- password reset --token <token from the link>`);
  },
};

export const passwordResetCommand: Command = {
  words: ['password', 'reset'],
  usage: '--token <token or link> [--passwords-stdin]',
  summary: 'Set a new password (asked without echo) with the link from the reset email; signs out every session',
  options: { token: { type: 'string' }, 'passwords-stdin': { type: 'boolean' } },
  async run(context) {
    const { api, out, options } = context;
    const raw = stringOption(options, 'token');
    if (!raw) throw new UsageError('--token is required: the token (or the whole link) from the reset email');
    const token = linkToken(raw);
    const { next } = await readPasswords(context, { current: false });
    await api.auth.resetPassword.mutate({ token, newPassword: next });
    out.result({ ok: true }, () => `${AccountMessages.passwordReset}\n  npm run cli -- login`);
  },
};
