import type { User } from '@app/contracts';
import type { ServerConfig } from '@app/server-config';
import { countUnsentMails, type Database, type DatabaseHandle, LiveSessionCache, type RateLimitStore } from '@app/server-data-access';
import { NO_TELEMETRY, type Telemetry } from '@app/server-observability';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { AccountLinksService } from './account/account-links.service';
import { AccountService } from './account/account.service';
import { AuthService, type SignupMail } from './auth/auth.service';
import { AuthEventRecorder } from './auth-events/auth-event-recorder';
import { AuthEventsService } from './auth-events/auth-events.service';
import { CallsInFlight } from './calls-in-flight';
import { Passwords } from './auth/passwords';
import { SessionActivity } from './auth/session-activity';
import { RateLimiter } from './auth/rate-limiter';
import { PeopleService } from './people/people.service';
import { createMailTransport } from './mail/mail-transport';
import { MailWorker } from './mail/mail-worker';
import { UsersService } from './users/users.service';

/** The domain services and what they share, built once per process (the composition root is apps/api). */
export interface AppServices {
  config: ServerConfig;
  database: DatabaseHandle;
  /** For scripts and tests that inspect rows; procedures go through the services. */
  db: Kysely<Database>;
  logger: Logger;
  /** Metrics and traces (no-ops unless the composition root turns them on). */
  telemetry: Telemetry;
  passwords: Passwords;
  limiter: RateLimiter;
  /** Live sessions kept in memory, dropped on the database's change notifications. */
  sessions: LiveSessionCache;
  auth: AuthService;
  account: AccountService;
  /** Password reset and email verification by mailed link. */
  accountLinks: AccountLinksService;
  /** Sends the mail outbox; started and stopped with the HTTP server. */
  mailWorker: MailWorker;
  users: UsersService;
  people: PeopleService;
  /** Records auth events; every service that changes an account is handed this one. */
  authEventRecorder: AuthEventRecorder;
  /** Reads the auth event log, and deletes what is past retention. */
  authEvents: AuthEventsService;
  /** API calls running now, whether or not their client is still there: shutdown waits for them. */
  callsInFlight: CallsInFlight;
}

export function createServices(options: {
  config: ServerConfig;
  database: DatabaseHandle;
  logger: Logger;
  rateLimitStore: RateLimitStore;
  telemetry?: Telemetry;
}): AppServices {
  const { config, database, logger } = options;
  const passwords = new Passwords(config.bcryptCost);
  const limiter = new RateLimiter(options.rateLimitStore);
  const sessions = new LiveSessionCache(database.db, database, {
    onStateChange: (serving, error) => {
      if (serving) logger.info('live-session cache: listening for session changes');
      else if (error) logger.warn({ err: error }, 'live-session cache: lost the listening connection; every call reads the database until it is back');
    },
  });
  const activity = new SessionActivity(database.db, (error) => logger.warn({ err: error }, 'could not record when a session was last used'));
  const events = new AuthEventRecorder(database.db, logger);
  const mailWorker = new MailWorker(database.db, createMailTransport(config.mail, logger), config.mail, logger);
  // Signup queues its verification mail through the links service, which ends sessions through auth.
  const signupMail: SignupMail = {
    queueVerification: (trx: Kysely<Database>, user: User): Promise<void> => accountLinks.queueVerification(trx, user),
    mailQueued: () => mailWorker.nudge(),
  };
  const auth: AuthService = new AuthService(database.db, config, passwords, limiter, sessions, activity, events, signupMail);
  const accountLinks: AccountLinksService = new AccountLinksService(database.db, config, passwords, limiter, mailWorker, auth, events);
  const telemetry = options.telemetry ?? NO_TELEMETRY;
  telemetry.metrics.observeOutboxDepth(() => countUnsentMails(database.db));
  return {
    config,
    database,
    db: database.db,
    logger,
    telemetry,
    passwords,
    limiter,
    sessions,
    auth,
    account: new AccountService(database.db, config, passwords, limiter, auth, events),
    accountLinks,
    mailWorker,
    users: new UsersService(database.db, passwords, sessions, events),
    people: new PeopleService(database.db),
    authEventRecorder: events,
    authEvents: new AuthEventsService(database.db),
    callsInFlight: new CallsInFlight(),
  };
}
