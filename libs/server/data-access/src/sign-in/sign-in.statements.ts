import { CompiledQuery, type Kysely } from 'kysely';
import { AUTH_EVENT_PARAMETERS, authEventParameters, authEventRow, type NewAuthEvent } from '../auth-events/auth-events.repository';
import type { Database } from '../database';
import { preparedSql } from '../prepared-statements';
import { hitParameterCount, hitParameters, type HitRow, hitsCte, hitsOf, type RateLimitCount, type RateLimitHit, resetCondition } from '../rate-limits/rate-limit.store';
import { type NewSession, SESSION_ROW, SESSION_ROW_PARAMETERS, sessionParameters } from '../sessions/sessions.repository';
import { type Credentials, credentialsByEmail } from '../users/users.repository';

/*
 * A sign-in's statements. Every sign-in makes the same few writes and reads (its rate limits
 * counted, the account's credentials read; after the password checks out, its session and event
 * written and its counters cleared), and each statement is a round trip and, for a write, a
 * commit. These carry two or three of them at once, built from the same row and query
 * definitions as the repositories' own statements. The rate-limit parts apply only when the
 * counters are in this database (RateLimitStore.inDatabase).
 */

type Db = Kysely<Database>;

/** A sign-in's counters counted and its account looked up: what `countHitsAndFindCredentials` answers. */
export interface CountedLookup {
  /** As `RateLimitStore.hitInTurn` answers them. */
  hits: RateLimitHit[];
  /** Undefined for an email no account has. */
  credentials: Credentials | undefined;
}

/**
 * Counts a hit on each counter in turn, as `PostgresRateLimitStore.hitInTurn` does, and reads the
 * credentials of the account with this email, in one statement. The lookup runs whatever the
 * counts: a caller over a limit gets its refusal from the counts, and the account's row, read
 * for nothing, tells it nothing.
 */
export async function countHitsAndFindCredentials(db: Db, counts: readonly RateLimitCount[], email: string): Promise<CountedLookup> {
  if (counts.length === 0) throw new Error('a sign-in counts at least one rate limit');
  const { rows } = await db.executeQuery<HitRow & { account: Credentials | null }>(
    CompiledQuery.raw(countedLookupSql(counts.length), [...hitParameters(counts), email]),
  );
  return { hits: hitsOf(rows), credentials: rows[0]?.account ?? undefined };
}

/**
 * One row per counter counted (the first always is), each with the account as JSON, or null
 * when no account has the email. Written once per number of counters, and prepared.
 */
const countedLookupStatements = new Map<number, string>();
function countedLookupSql(n: number): string {
  let text = countedLookupStatements.get(n);
  if (text === undefined) {
    const emailParameter = hitParameterCount(n) + 1;
    text = preparedSql(
      'sign_in_counted_lookup',
      `with ${hitsCte(n)}
       select turn, count, reset_at, (select to_json(account) from (${credentialsByEmail(emailParameter)}) account) as account
       from hits`,
    );
    countedLookupStatements.set(n, text);
  }
  return text;
}

/** Where the event's values start, after the session's, and the keys to clear after those. */
const EVENT_FIRST = SESSION_ROW_PARAMETERS + 1;
const CLEAR_KEYS = EVENT_FIRST + AUTH_EVENT_PARAMETERS;

/** A sign-in's session and its event, in one statement: see `insertSignIn`. */
const SIGN_IN_SQL = preparedSql(
  'sign_in_insert',
  `with session as (insert into ${SESSION_ROW})
   insert into auth_events ${authEventRow(EVENT_FIRST)}`,
);

/** The same, clearing the sign-in's rate-limit counters too. */
const SIGN_IN_CLEARING_SQL = preparedSql(
  'sign_in_insert_clearing',
  `with session as (insert into ${SESSION_ROW}),
   cleared as (delete from rate_limits where ${resetCondition(CLEAR_KEYS)})
   insert into auth_events ${authEventRow(EVENT_FIRST)}`,
);

/**
 * A new session and the event that records it, and the rate-limit counters with these keys
 * cleared (when the counters are in this database; none otherwise), as one statement: one round
 * trip and one commit where the writes apart take one of each (on PostgreSQL each commit waits
 * for its own flush of the write-ahead log). All of it is written or none of it.
 */
export async function insertSignIn(db: Db, session: NewSession, event: NewAuthEvent, clearCounters: readonly string[] = []): Promise<void> {
  const parameters = [...sessionParameters(session), ...authEventParameters(event)];
  await db.executeQuery(
    clearCounters.length === 0 ? CompiledQuery.raw(SIGN_IN_SQL, parameters) : CompiledQuery.raw(SIGN_IN_CLEARING_SQL, [...parameters, clearCounters]),
  );
}
