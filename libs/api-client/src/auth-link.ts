import { AuthResult, SESSION_STARTING_CALLS } from '@app/contracts';
import type { AppRouter } from '@app/server-trpc/types';
import { type Operation, type OperationResultEnvelope, type TRPCLink, TRPCClientError } from '@trpc/client';
// The tRPC library's own observable helper (what @trpc/client's links are built on); no app server code.
import { observable, type Unsubscribable } from '@trpc/server/observable';
import { type ApiClientError, isUnauthorized } from './api-errors';
import type { SessionManager } from './session-manager';

const CONTEXT_KEY = '@app/api-client:auth';

/** Calls whose answer is a new session that replaces this one (the server ends the old one first). */
const SESSION_REPLACING_CALLS: ReadonlySet<string> = new Set(['auth.changePassword']);

/**
 * A sign-out that carries the refresh token (as `ApiClient.logout` sends it): the server ends the
 * session by whichever token still can, so it goes out at once with the access token as it is,
 * never after a refresh, and its 401 is final (a refresh could only present that same token).
 */
function signsOutByRefreshToken(op: Pick<Operation, 'path' | 'input'>): boolean {
  return op.path === 'auth.logout' && typeof (op.input as { refreshToken?: unknown } | undefined)?.refreshToken === 'string';
}

/** Per attempt: whether the call wants the bearer token, and which token it was actually sent with. */
interface AttemptAuth {
  needsToken: boolean;
  sentToken: string | null;
  /** The session's identity when it was sent (see SessionManager.identity). */
  sentIdentity: number;
}

function attemptAuth(op: Pick<Operation, 'context'>): AttemptAuth | undefined {
  const value = op.context[CONTEXT_KEY];
  return typeof value === 'object' && value !== null && 'needsToken' in value ? (value as AttemptAuth) : undefined;
}

/**
 * Headers for one HTTP request (a whole batch): the bearer token when any call in it needs one.
 * Reads the token at send time and records it on each call, so a 401 is always matched with the
 * token that caused it.
 */
export function authorizationHeaders(session: SessionManager, opList: readonly Pick<Operation, 'context'>[]): Record<string, string> {
  const token = session.peekAccessToken();
  let needsToken = false;
  for (const op of opList) {
    const auth = attemptAuth(op);
    if (auth?.needsToken) {
      auth.sentToken = token;
      auth.sentIdentity = session.identity;
      needsToken = true;
    }
  }
  return needsToken && token ? { authorization: `Bearer ${token}` } : {};
}

/**
 * The link that makes calls survive token expiry. For every call but login/signup/refresh (and
 * a sign-out that carries the refresh token, which needs neither) it
 * 1. waits for a fresh access token (refreshing shortly before expiry, single-flight);
 * 2. on a 401 joins the one shared refresh and sends the call once more (never twice);
 * 3. fails the call with the refresh's own error when the refresh is refused.
 * It works per call, so in an HTTP batch only the calls that got a 401 are sent again.
 * A successful `auth.logout` clears the session, and `auth.changePassword` replaces it with the
 * new one it answers with; while a change is on its way, refreshes wait for it (see keepSession).
 * @see https://trpc.io/docs/client/links#creating-a-custom-link
 */
export function authLink(session: SessionManager): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable<OperationResultEnvelope<unknown, ApiClientError>, ApiClientError>((observer) => {
        const isAuthCall = SESSION_STARTING_CALLS.has(op.path);
        const bySignOutToken = signsOutByRefreshToken(op);
        let subscription: Unsubscribable | undefined;
        let stopped = false;
        let releaseHold: (() => void) | undefined;
        const release = () => {
          releaseHold?.();
          releaseHold = undefined;
        };

        const fail = (error: unknown) => {
          if (!stopped) observer.error(TRPCClientError.from<AppRouter>(error instanceof Error ? error : new Error(String(error))));
        };

        const attempt = async (retried: boolean): Promise<void> => {
          if (bySignOutToken) await session.current();
          else if (!isAuthCall) await session.prepare();
          if (stopped) return;
          const auth: AttemptAuth = { needsToken: !isAuthCall, sentToken: null, sentIdentity: session.identity };
          // Taken after `prepare`, so this call's own refresh (if any) is already done.
          releaseHold = SESSION_REPLACING_CALLS.has(op.path) ? session.holdForReplacement() : undefined;
          let delivered: Promise<void> = Promise.resolve();
          subscription = next({ ...op, context: { ...op.context, [CONTEXT_KEY]: auth } }).subscribe({
            next(envelope) {
              delivered = delivered.then(async () => {
                await keepSession(session, op, envelope);
                release();
                if (!stopped) observer.next(envelope);
              });
            },
            error(error) {
              release();
              if (isAuthCall || bySignOutToken || retried || !isUnauthorized(error)) return fail(error);
              session.recover(auth.sentToken, auth.sentIdentity).then(
                (retry) => (retry && !stopped ? attempt(true).catch(fail) : fail(error)),
                fail,
              );
            },
            complete() {
              delivered.then(() => {
                release();
                if (!stopped) observer.complete();
              }, (error: unknown) => {
                release();
                fail(error);
              });
            },
          });
        };

        attempt(false).catch(fail);
        return () => {
          stopped = true;
          release();
          subscription?.unsubscribe();
        };
      });
}

/**
 * Raw procedure calls leave the session alone (an admin script may sign up other accounts), with
 * three exceptions that concern this session itself: a logout ends it, a password change replaces
 * it with the new session it answers with (the old one has ended on the server), and a manual
 * `auth.refresh` of its own refresh token rotated it (keeping the old token would get the
 * session revoked as a reuse on the next refresh).
 */
async function keepSession(session: SessionManager, op: Operation, envelope: OperationResultEnvelope<unknown, ApiClientError>) {
  if (op.path === 'auth.logout') {
    await session.clear();
  } else if (SESSION_REPLACING_CALLS.has(op.path)) {
    const result = AuthResult.safeParse('data' in envelope.result ? envelope.result.data : undefined);
    if (result.success) await session.replaced(result.data);
  } else if (op.path === 'auth.refresh') {
    const result = AuthResult.safeParse('data' in envelope.result ? envelope.result.data : undefined);
    const presented = (op.input as { refreshToken?: unknown } | undefined)?.refreshToken;
    if (result.success && typeof presented === 'string') await session.rotated(presented, result.data);
  }
}
