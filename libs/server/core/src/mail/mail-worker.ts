import type { MailConfig } from '@app/server-config';
import {
  type ClaimedMail,
  claimDueMails,
  type Database,
  markMailFailed,
  markMailSent,
  msUntilNextMailDue,
  releaseMails,
} from '@app/server-data-access';
import type { Kysely } from 'kysely';
import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { MailTransport } from './mail-transport';

/** How long a claimed mail is reserved for its worker: far longer than one SMTP attempt may take. */
export const MAIL_LEASE_MS = 5 * 60_000;
const BATCH_SIZE = 10;
/** Never spin: even when a mail is due "now" (another process holds it mid-claim), wait this long. */
const MIN_DELAY_MS = 50;

/** The wait before retrying after the `attempts`-th failure: base, 2×base, 4×base … at most `max`. */
export function retryDelayMs(attempts: number, timing: { retryBaseMs: number; retryMaxMs: number }): number {
  return Math.min(timing.retryMaxMs, timing.retryBaseMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * Sends the outbox: claims due mails (see claimDueMails: a lease, so no two workers in any number
 * of processes hold one mail), sends each, marks it sent, or schedules a retry with exponential
 * back-off. A mail is never dropped. Wakes when nudged (a mail was just queued in this process),
 * else when the next mail is due, at the latest after the poll interval (mails queued by other
 * processes, retries).
 */
export class MailWorker {
  private stopped = true;
  private wakeRequested = false;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /**
   * Runs a task in the async context the worker was created in (start-up), not in the request
   * that nudged it: the sending, and every poll after it, belongs to no request's trace.
   */
  private readonly outsideRequests = AsyncResource.bind((task: () => void) => task());

  constructor(
    private readonly db: Kysely<Database>,
    private readonly transport: MailTransport,
    private readonly config: MailConfig,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.nudge();
  }

  /**
   * Look at the outbox soon (call after committing a transaction that queued a mail): on the next
   * turn of the event loop, so the answer to the request that queued it goes out first.
   */
  nudge(): void {
    if (this.stopped) return;
    this.wakeRequested = true;
    if (this.running) return;
    clearTimeout(this.timer);
    this.running = new Promise<void>((resolve) => {
      this.outsideRequests(() => setImmediate(() => void this.drain().then(resolve)));
    });
  }

  /** Finishes the mail being sent, gives back the rest of its batch, and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.transport.close();
  }

  private async drain(): Promise<void> {
    let delayMs = this.config.pollIntervalMs;
    try {
      while (this.wakeRequested && !this.stopped) {
        this.wakeRequested = false;
        // A full batch may mean more are due.
        let claimed = BATCH_SIZE;
        while (!this.stopped && claimed === BATCH_SIZE) claimed = await this.sendBatch();
      }
      const untilDue = this.stopped ? undefined : await msUntilNextMailDue(this.db);
      if (untilDue !== undefined) delayMs = Math.min(delayMs, untilDue);
    } catch (error) {
      // The database is away: the mails wait in the outbox; look again after the poll interval.
      this.logger.warn({ err: error }, 'mail outbox: could not read the queue; trying again');
    } finally {
      this.running = undefined;
      if (!this.stopped) {
        this.timer = setTimeout(() => this.nudge(), Math.max(MIN_DELAY_MS, delayMs));
        this.timer.unref();
      }
    }
  }

  /** Claims and sends one batch; returns how many mails it claimed. */
  private async sendBatch(): Promise<number> {
    const claimId = randomUUID();
    const mails = await claimDueMails(this.db, { claimId, limit: BATCH_SIZE, leaseMs: MAIL_LEASE_MS });
    for (const [index, mail] of mails.entries()) {
      if (this.stopped) {
        await releaseMails(this.db, mails.slice(index).map((left) => left.id), claimId);
        break;
      }
      await this.deliver(mail, claimId);
    }
    return mails.length;
  }

  private async deliver(mail: ClaimedMail, claimId: string): Promise<void> {
    try {
      await this.transport.send(mail);
    } catch (error) {
      const retryInMs = retryDelayMs(mail.attempts, this.config);
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn({ mail: { id: mail.id, kind: mail.kind }, attempts: mail.attempts, retryInMs, reason }, 'mail not sent; will retry');
      await markMailFailed(this.db, mail.id, claimId, { retryInMs, error: reason });
      return;
    }
    if (!(await markMailSent(this.db, mail.id, claimId))) {
      this.logger.warn({ mail: { id: mail.id, kind: mail.kind } }, 'mail sent after its lease ended');
    }
  }
}
