import type { AuthEventType } from '@app/contracts';
import { type AuthEventDetailJson, type Database, insertAuthEvent, isDatabaseUnavailable, type NewAuthEvent } from '@app/server-data-access';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ClientInfo } from '../auth/auth.service';

/** Longest user agent kept (as on sessions). */
const USER_AGENT_MAX = 512;

/** An event to record: whose, what, the request's address and user agent, and a few facts. */
export interface AuthEventInput {
  userId: string;
  type: AuthEventType;
  client: ClientInfo;
  detail?: AuthEventDetailJson;
}

/**
 * Writes the auth event log. Recording never fails the request it belongs to: it runs after the
 * action has committed, in its own statement, and a failed write is logged (with the event's type
 * and user) and otherwise ignored. Why after the commit rather than inside the transaction: a
 * failed insert inside would abort the transaction and turn a successful password change or role
 * change into an error; the cost is that a crash between the commit and the insert loses the
 * event, which the log line cannot then report either.
 *
 * - `record` waits for the row (one prepared insert, on calls that already cost a transaction or
 *   a bcrypt hash), so the caller's next read sees it.
 * - `recordWith` writes the row in the action's own statement (a sign-in's session), and falls
 *   back to the action alone and then `record` if the database refuses that statement.
 * - `recordInBackground` does not wait: for refused sign-ins, where waiting on an insert that
 *   only known accounts get would tell an attacker which emails have accounts.
 */
export class AuthEventRecorder {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
  ) {}

  async record(event: AuthEventInput): Promise<void> {
    await this.insert(this.row(event), event);
  }

  /**
   * Records `event` in the same statement as the action it belongs to: `together` writes both
   * (one round trip and one commit instead of two). Should the database refuse that statement,
   * nothing of it was written, and the action runs on its own (`alone`), followed by the event
   * as `record` writes it: so an event that cannot be written still never fails the action.
   * A database that cannot be reached fails the action at once, as it would any other.
   */
  async recordWith(event: AuthEventInput, together: (row: NewAuthEvent) => Promise<void>, alone: () => Promise<void>): Promise<void> {
    const row = this.row(event);
    try {
      await together(row);
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      await alone();
      await this.insert(row, event);
    }
  }

  private row(event: AuthEventInput): NewAuthEvent {
    return {
      userId: event.userId,
      type: event.type,
      at: new Date(),
      ip: event.client.ip,
      userAgent: event.client.userAgent === null ? null : event.client.userAgent.slice(0, USER_AGENT_MAX),
      detail: event.detail ?? {},
    };
  }

  private async insert(row: NewAuthEvent, event: AuthEventInput): Promise<void> {
    try {
      await insertAuthEvent(this.db, row);
    } catch (error) {
      this.logger.warn({ err: error, authEvent: { type: event.type, userId: event.userId } }, 'auth event not recorded');
    }
  }

  recordInBackground(event: AuthEventInput): void {
    const write = this.record(event).finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Waits for the background writes started so far (before the database closes). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
