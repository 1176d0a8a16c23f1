import { type ApiClient, createApiClient, MemoryTokenStore } from '@app/api-client';
import { FileTokenStore } from '@app/api-client/node';
import type { Writable } from 'node:stream';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Command, OptionValues } from './cli-command';
import { type CliConfig, DEFAULT_URL, resolveConfig } from './cli-config';
import { describeFailure, ExitCode, UsageError } from './cli-errors';
import { CliOutput } from './cli-output';
import {
  loginCommand,
  logoutCommand,
  sessionsCommand,
  sessionsListCommand,
  sessionsRevokeCommand,
  whoamiCommand,
} from './commands/auth.commands';
import { passwordChangeCommand, passwordForgotCommand, passwordResetCommand } from './commands/password.commands';
import { peopleAddCommand, peopleEditCommand, peopleListCommand, peopleRemoveCommand } from './commands/people.commands';
import { usersListCommand, usersSetRoleCommand } from './commands/users.commands';
import type { InputStream } from './terminal-input';

/** Every command; the longest matching words win (`sessions revoke` before `sessions`). */
const COMMANDS: readonly Command[] = [
  loginCommand,
  logoutCommand,
  whoamiCommand,
  passwordChangeCommand,
  passwordForgotCommand,
  passwordResetCommand,
  peopleListCommand,
  peopleAddCommand,
  peopleEditCommand,
  peopleRemoveCommand,
  usersListCommand,
  usersSetRoleCommand,
  sessionsCommand,
  sessionsListCommand,
  sessionsRevokeCommand,
];

const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies NonNullable<ParseArgsConfig['options']>;

const USER_AGENT = `authstack-cli (node ${process.versions.node}; ${process.platform})`;

export interface CliIo {
  stdin: InputStream;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

function helpText(): string {
  const lines = COMMANDS.filter((c) => c !== sessionsListCommand).map((c) => {
    const name = `${c.words.join(' ')} ${c.usage}`.trim();
    return `  ${name}\n      ${c.summary}`;
  });
  return `Usage: npm run cli -- <command> [options]

Commands:
${lines.join('\n')}

Options:
  --url <url>   the server (else API_URL, else ${DEFAULT_URL})
  --json        print results as JSON (errors go to stderr as JSON too)
  -h, --help    show this help

Environment:
  API_URL         the server, when --url is not given
  API_TOKEN_FILE  where the session is kept (default ~/.config/authstack/session.json, mode 0600)

Exit codes: 0 ok, 1 failed, 2 bad usage or invalid input, 3 not signed in or wrong password,
  4 not allowed (needs admin), 5 not found, 6 server unreachable, 130 interrupted.
`;
}

/** Picks the command whose words start the positionals, preferring the longest. */
function findCommand(positionals: readonly string[]): Command | undefined {
  return [...COMMANDS]
    .sort((a, b) => b.words.length - a.words.length)
    .find((c) => c.words.every((word, i) => positionals[i] === word));
}

/**
 * Runs one CLI invocation and returns its exit code. Never throws: every failure becomes a
 * message on stderr and a non-zero code.
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // First pass, lenient: find the command words and the global options.
  const first = parseArgs({ args: [...argv], options: GLOBAL_OPTIONS, strict: false, allowPositionals: true });
  const json = first.values.json === true;
  const out = new CliOutput(json, io.stdout, io.stderr);
  let config: CliConfig | undefined;
  let api: ApiClient | undefined;
  try {
    const command = findCommand(first.positionals);
    if (first.values.help === true || first.positionals.length === 0) {
      if (first.positionals.length > 0 && command) {
        io.stdout.write(`Usage: npm run cli -- ${command.words.join(' ')} ${command.usage}\n  ${command.summary}\n`);
      } else {
        io.stdout.write(helpText());
      }
      return first.positionals.length === 0 && first.values.help !== true ? ExitCode.Usage : ExitCode.Ok;
    }
    if (!command) throw new UsageError(`Unknown command "${first.positionals.slice(0, 2).join(' ')}"`);

    // Second pass, strict: the command's own options and arguments.
    let parsed: { values: OptionValues; positionals: string[] };
    try {
      parsed = parseArgs({ args: [...argv], options: { ...GLOBAL_OPTIONS, ...command.options }, strict: true, allowPositionals: true });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const args = parsed.positionals.slice(command.words.length);
    const { min, max } = command.args ?? { min: 0, max: 0 };
    if (args.length < min || args.length > max) {
      throw new UsageError(`Usage: npm run cli -- ${command.words.join(' ')} ${command.usage}`);
    }

    config = resolveConfig({ url: typeof parsed.values['url'] === 'string' ? parsed.values['url'] : undefined }, io.env);
    const clientOptions = { url: config.url, headers: { 'user-agent': USER_AGENT } };
    api = createApiClient({ ...clientOptions, store: new FileTokenStore({ path: config.tokenFile, scope: config.url }) });
    await command.run({
      api,
      out,
      url: config.url,
      options: parsed.values,
      args,
      stdin: io.stdin,
      stderr: io.stderr,
      clientFor: (session) => createApiClient({ ...clientOptions, store: new MemoryTokenStore(session) }),
    });
    return ExitCode.Ok;
  } catch (error) {
    const signedInAs = api ? ((await api.session().catch(() => null))?.user ?? null) : null;
    const failure = describeFailure(error, { url: config?.url ?? io.env['API_URL'] ?? DEFAULT_URL, signedInAs });
    out.error(failure.message, { exitCode: failure.exitCode, code: failure.code, appCode: failure.appCode, fieldErrors: failure.fieldErrors });
    return failure.exitCode;
  }
}
