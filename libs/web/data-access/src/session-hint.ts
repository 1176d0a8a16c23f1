/**
 * What this browser remembers about its session, so a visitor who has none gets the sign-in
 * form without asking the server first. Not a secret and not a credential: only when the access
 * token and the session expire. The server decides on every call; a wrong hint costs at most the
 * round trips the app would have made anyway.
 */
export interface SessionHint {
  /** When the access token expires (ms since the epoch), or null when unknown. */
  readonly accessTokenExpiresAt: number | null;
  /** When the session itself ends (its absolute expiry), or null when unknown. */
  readonly sessionExpiresAt: number | null;
}

const HINT_KEY = 'app.session.hint';
/** What browsers signed in before the hint existed still hold: treated as "maybe signed in". */
const LEGACY_EXPIRY_KEY = 'app.session.accessTokenExpiresAt';
/** When storage cannot be read, nothing is known: the server has to be asked. */
const UNKNOWN: SessionHint = { accessTokenExpiresAt: null, sessionExpiresAt: null };

const timeOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null);

/**
 * The hint, or null when this browser holds no session that could still be live: it never
 * signed in, it signed out, or the session's absolute expiry has passed.
 */
export function readSessionHint(now = Date.now()): SessionHint | null {
  try {
    const raw = globalThis.localStorage?.getItem(HINT_KEY);
    if (raw) {
      const parsed = JSON.parse(raw) as Partial<Record<keyof SessionHint, unknown>>;
      const hint = { accessTokenExpiresAt: timeOrNull(parsed.accessTokenExpiresAt), sessionExpiresAt: timeOrNull(parsed.sessionExpiresAt) };
      return hint.sessionExpiresAt !== null && hint.sessionExpiresAt <= now ? null : hint;
    }
    const legacy = timeOrNull(Number(globalThis.localStorage?.getItem(LEGACY_EXPIRY_KEY)));
    return legacy === null ? null : { accessTokenExpiresAt: legacy, sessionExpiresAt: null };
  } catch {
    return UNKNOWN;
  }
}

/** Records the session's expiries; a field left out keeps what was stored. */
export function writeSessionHint(update: Partial<SessionHint>): void {
  try {
    const current = readSessionHint() ?? UNKNOWN;
    globalThis.localStorage?.setItem(HINT_KEY, JSON.stringify({ ...current, ...update }));
    globalThis.localStorage?.removeItem(LEGACY_EXPIRY_KEY);
  } catch {
    // storage disabled: every start asks the server, as it did before hints
  }
}

/** Forgets the session: the next start shows the sign-in form without asking the server. */
export function clearSessionHint(): void {
  try {
    globalThis.localStorage?.removeItem(HINT_KEY);
    globalThis.localStorage?.removeItem(LEGACY_EXPIRY_KEY);
  } catch {
    // storage disabled: nothing stored
  }
}
