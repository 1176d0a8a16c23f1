import { type AppErrorCode, ErrorMessages } from '@app/contracts';

// Domain errors: services throw these; the tRPC layer translates each into its HTTP meaning
// (see docs/architecture.md, "Errors").

export class InvalidCredentialsError extends Error {
  constructor() {
    super(ErrorMessages.invalidCredentials);
  }
}

export class EmailTakenError extends Error {
  constructor() {
    super(ErrorMessages.emailTaken);
  }
}

/** The refresh token is unknown, expired, revoked, or was reused after the grace window. */
export class RefreshRejectedError extends Error {
  constructor(readonly reason: 'malformed' | 'unknown' | 'expired' | 'revoked' | 'reused' | 'mismatch') {
    super(ErrorMessages.refreshInvalid);
  }
}

export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(ErrorMessages.rateLimited);
  }
}

export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
  }
}

export class LastAdminError extends Error {
  constructor() {
    super('The last admin cannot be demoted; promote another admin first');
  }
}

/** A page cursor that this server did not hand out (or handed out for another sort order). */
export class InvalidCursorError extends Error {
  constructor(message = 'The cursor is invalid or belongs to another sort order') {
    super(message);
  }
}

/** changePassword: the current password given is not the account's. */
export class WrongCurrentPasswordError extends Error {
  constructor() {
    super(ErrorMessages.currentPasswordIncorrect);
  }
}

/** The caller's session ended while the call was under way (a concurrent sign-out, say). */
export class SessionEndedError extends Error {
  constructor() {
    super(ErrorMessages.unauthenticated);
  }
}

/**
 * A password reset or verification link that does not work (any more). `appCode` says why
 * (unknown, used, expired or replaced) and the message what to do next.
 */
export class LinkTokenError extends Error {
  constructor(
    readonly appCode: AppErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A new verification link was asked for an address that is verified already. */
export class EmailAlreadyVerifiedError extends Error {
  constructor() {
    super(ErrorMessages.emailAlreadyVerified);
  }
}
