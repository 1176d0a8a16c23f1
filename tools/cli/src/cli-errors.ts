import { isApiClientError } from '@app/api-client';
import { AppErrorCode, ErrorMessages } from '@app/contracts';

/** Exit codes, documented in `--help` so scripts can branch on them. */
export const ExitCode = {
  Ok: 0,
  /** Anything else: server error, conflict, rate limit… */
  Failure: 1,
  /** Bad command line or input the server rejected as invalid. */
  Usage: 2,
  /** Not signed in, session ended, or wrong email/password. */
  NotSignedIn: 3,
  /** Signed in, but not allowed (e.g. needs the admin role). */
  Forbidden: 4,
  NotFound: 5,
  /** The server could not be reached. */
  Unreachable: 6,
  /** Interrupted (Ctrl-C). */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake on the command line: shown with a pointer to `--help`. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure the command has already put into words. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor() {
    super('Interrupted');
  }
}

/** What to tell the user about a failure, and with which exit code. */
export interface Failure {
  message: string;
  exitCode: ExitCode;
  code?: string;
  appCode?: string;
  fieldErrors?: Record<string, string[] | undefined>;
}

/** Context that makes messages specific: the server and who is signed in (when known). */
export interface FailureContext {
  url: string;
  signedInAs?: { email: string; role: string } | null;
}

/**
 * Turns any error into a clear message and an exit code.
 * @see ExitCode
 */
export function describeFailure(error: unknown, context: FailureContext): Failure {
  if (error instanceof UsageError) return { message: `${error.message}\nRun with --help for usage.`, exitCode: ExitCode.Usage };
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof InterruptedError) return { message: 'Interrupted.', exitCode: ExitCode.Interrupted };
  if (!isApiClientError(error)) return { message: error instanceof Error ? error.message : String(error), exitCode: ExitCode.Failure };

  const data = error.data;
  if (!data) {
    const cause = error.cause instanceof Error ? (error.cause.cause instanceof Error ? error.cause.cause.message : error.cause.message) : error.message;
    return {
      message: `Cannot reach the server at ${context.url} (${cause}). Is it running? Set the server with --url or API_URL.`,
      exitCode: ExitCode.Unreachable,
    };
  }
  const base = { code: data.code, appCode: data.appCode };
  switch (data.appCode) {
    case AppErrorCode.InvalidCredentials:
      return { ...base, message: ErrorMessages.invalidCredentials, exitCode: ExitCode.NotSignedIn };
    case AppErrorCode.CurrentPasswordIncorrect:
      return { ...base, message: `${ErrorMessages.currentPasswordIncorrect}; nothing was changed.`, exitCode: ExitCode.NotSignedIn };
    case AppErrorCode.Unauthenticated:
    case AppErrorCode.SessionRevoked:
    case AppErrorCode.RefreshInvalid:
      return {
        ...base,
        message: `Not signed in to ${context.url}, or the session has ended. Sign in with: npm run cli -- login`,
        exitCode: ExitCode.NotSignedIn,
      };
    case AppErrorCode.Forbidden: {
      const who = context.signedInAs ? ` You are signed in as ${context.signedInAs.email} (role: ${context.signedInAs.role}).` : '';
      return { ...base, message: `${ErrorMessages.forbidden}: this needs the admin role.${who}`, exitCode: ExitCode.Forbidden };
    }
    case AppErrorCode.InvalidInput: {
      // The router's error formatter types fieldErrors loosely (`{}`); its values are string lists.
      const fieldErrors = (data.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined>;
      const fields = Object.entries(fieldErrors).filter(([, messages]) => messages?.length);
      const message = fields.length
        ? `Invalid input:\n${fields.map(([field, messages]) => `  ${field}: ${(messages ?? []).join('; ')}`).join('\n')}`
        : `Invalid input: ${error.message}`;
      return { ...base, message, exitCode: ExitCode.Usage, fieldErrors };
    }
    case AppErrorCode.NotFound:
      return { ...base, message: error.message, exitCode: ExitCode.NotFound };
    default:
      if (data.httpStatus === 401) return { ...base, message: error.message, exitCode: ExitCode.NotSignedIn };
      if (data.httpStatus === 403) return { ...base, message: error.message, exitCode: ExitCode.Forbidden };
      // A link that does not work (RESET_TOKEN_*, VERIFICATION_TOKEN_*): the server's message says what to do.
      if (data.httpStatus === 400) return { ...base, message: error.message, exitCode: ExitCode.Usage };
      return { ...base, message: error.message, exitCode: ExitCode.Failure };
  }
}
