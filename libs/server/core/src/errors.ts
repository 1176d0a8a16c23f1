import { type AppErrorCode, ErrorMessages } from '@app/contracts';

// Domain errors: services throw these; the tRPC layer translates each into its HTTP meaning
// (see docs/architecture.md, "Errors").

/**
 * A refusal the client is told about (a 4xx), never a fault: it is answered, not logged, so its
 * stack trace says nothing anyone reads. Yet tRPC copies `cause.stack` onto the error it wraps a
 * thrown error in, and reading `stack` makes V8 format every frame, through the source maps the
 * server runs with: on each wrong refresh token or password an attacker sends. So the stack is
 * one line, set here, and the frames are never formatted.
 */
export abstract class DomainError extends Error {
  constructor(message: string) {
    super(message);
    Object.defineProperty(this, 'stack', { value: `${new.target.name}: ${message}`, writable: true, configurable: true });
  }
}

export class InvalidCredentialsError extends DomainError {
  constructor() {
    super(ErrorMessages.invalidCredentials);
  }
}

export class EmailTakenError extends DomainError {
  constructor() {
    super(ErrorMessages.emailTaken);
  }
}

/** The refresh token is unknown, expired, revoked, or was reused after the grace window. */
export class RefreshRejectedError extends DomainError {
  constructor(readonly reason: 'malformed' | 'unknown' | 'expired' | 'revoked' | 'reused' | 'mismatch') {
    super(ErrorMessages.refreshInvalid);
  }
}

export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(ErrorMessages.rateLimited);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super(`${what} not found`);
  }
}

export class LastAdminError extends DomainError {
  constructor() {
    super('The last admin cannot be demoted; promote another admin first');
  }
}

/** A page cursor that this server did not hand out (or handed out for another sort order). */
export class InvalidCursorError extends DomainError {
  constructor(message = 'The cursor is invalid or belongs to another sort order') {
    super(message);
  }
}

/** changePassword: the current password given is not the account's. */
export class WrongCurrentPasswordError extends DomainError {
  constructor() {
    super(ErrorMessages.currentPasswordIncorrect);
  }
}

/** The caller's session ended while the call was under way (a concurrent sign-out, say). */
export class SessionEndedError extends DomainError {
  constructor() {
    super(ErrorMessages.unauthenticated);
  }
}

/**
 * A password reset or verification link that does not work (any more). `appCode` says why
 * (unknown, used, expired or replaced) and the message what to do next.
 */
export class LinkTokenError extends DomainError {
  constructor(
    readonly appCode: AppErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A new verification link was asked for an address that is verified already. */
export class EmailAlreadyVerifiedError extends DomainError {
  constructor() {
    super(ErrorMessages.emailAlreadyVerified);
  }
}
