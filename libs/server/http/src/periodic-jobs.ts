import type { AppServices } from '@app/server-core';

/** Ended sessions are kept this long (for the sessions list's audit trail), then deleted. */
const SESSION_RETENTION_MS = 7 * 24 * 3_600_000;
/** Sent mails (recipient, kind and time only: bodies are cleared on sending) and expired link tokens are kept as long. */
const MAIL_RETENTION_MS = SESSION_RETENTION_MS;

/** One clean-up: what it is called in the logs, how often it runs, and the work. */
export interface PeriodicJob {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/**
 * The clean-ups a running server does on its own: expired rate-limit windows every minute;
 * every hour, sessions that ended, mails sent and link tokens that expired more than a week ago,
 * and auth events older than AUTH_EVENT_RETENTION.
 */
export function periodicJobs(services: AppServices): PeriodicJob[] {
  return [
    { name: 'rate-limit sweep', everyMs: 60_000, run: () => services.limiter.sweep() },
    {
      name: 'session clean-up',
      everyMs: 3_600_000,
      run: () => services.auth.deleteEndedSessions(new Date(Date.now() - SESSION_RETENTION_MS)),
    },
    {
      name: 'mail clean-up',
      everyMs: 3_600_000,
      run: () => services.accountLinks.deleteOldRecords(new Date(Date.now() - MAIL_RETENTION_MS)),
    },
    {
      name: 'auth event retention',
      everyMs: 3_600_000,
      run: () => services.authEvents.deleteOlderThan(new Date(Date.now() - services.config.authEventRetentionMs)),
    },
  ];
}

/** Runs the periodic jobs. A failed run is logged and tried again at the next tick; the timers never keep the process alive. */
export function startPeriodicJobs(services: AppServices): { stop(): void } {
  const timers = periodicJobs(services).map((job) => {
    const timer = setInterval(() => {
      job.run().catch((error: unknown) => services.logger.warn({ err: error }, `${job.name} failed`));
    }, job.everyMs);
    timer.unref();
    return timer;
  });
  return {
    stop() {
      for (const timer of timers) clearInterval(timer);
    },
  };
}
