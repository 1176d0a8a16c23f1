import type { AppServices } from '@app/server-core';

/** Ended sessions are kept this long (for the sessions list's audit trail), then deleted. */
const SESSION_RETENTION_MS = 7 * 24 * 3_600_000;
/** Sent mails (recipient, kind and time only: bodies are cleared on sending) and expired link tokens are kept as long. */
const MAIL_RETENTION_MS = SESSION_RETENTION_MS;

/**
 * The clean-ups a running server does on its own: expired rate-limit windows every minute, and
 * sessions that ended, mails sent and link tokens that expired more than a week ago every hour. A failed run is logged and tried again at
 * the next tick; the timers never keep the process alive.
 */
export function startPeriodicJobs(services: AppServices): { stop(): void } {
  const every = (ms: number, what: string, task: () => Promise<unknown>) => {
    const timer = setInterval(() => {
      task().catch((error: unknown) => services.logger.warn({ err: error }, `${what} failed`));
    }, ms);
    timer.unref();
    return timer;
  };
  const timers = [
    every(60_000, 'rate-limit sweep', () => services.limiter.sweep()),
    every(3_600_000, 'session clean-up', () => services.auth.deleteEndedSessions(new Date(Date.now() - SESSION_RETENTION_MS))),
    every(3_600_000, 'mail clean-up', () => services.accountLinks.deleteOldRecords(new Date(Date.now() - MAIL_RETENTION_MS))),
  ];
  return {
    stop() {
      for (const timer of timers) clearInterval(timer);
    },
  };
}
