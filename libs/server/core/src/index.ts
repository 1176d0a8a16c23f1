export type { AuthEventInput, AuthEventRecorder } from './auth-events/auth-event-recorder';
export { decodeAuthEventsCursor, encodeAuthEventsCursor } from './auth-events/auth-events-cursor';
export type { AuthEventsService } from './auth-events/auth-events.service';
export type { ClientInfo, Principal } from './auth/auth.service';
export { DEFAULT_HASH_NICENESS } from './auth/hash-pool';
export { Passwords } from './auth/passwords';
export type { RefreshTokens } from './auth/refresh-tokens';
export { DEMO_ADMIN, DEMO_USER, seedDemo } from './bootstrap/seed-demo';
export { CallsInFlight } from './calls-in-flight';
export {
  EmailAlreadyVerifiedError,
  EmailTakenError,
  InvalidCredentialsError,
  InvalidCursorError,
  LastAdminError,
  LinkTokenError,
  NotFoundError,
  RateLimitedError,
  RefreshRejectedError,
  SessionEndedError,
  WrongCurrentPasswordError,
} from './errors';
export { MailKind } from './mail/account-mails';
export { MAIL_LEASE_MS, MailWorker, retryDelayMs } from './mail/mail-worker';
export { decodePeopleCursor, encodePeopleCursor } from './people/people-cursor';
export { type AppServices, createServices } from './services';
