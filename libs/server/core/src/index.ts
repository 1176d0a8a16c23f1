export { type Authentication, AuthService, type ClientInfo, type Principal, type SignOutOutcome } from './auth/auth.service';
export { DEFAULT_HASH_NICENESS, type HashPool, sharedHashPool } from './auth/hash-pool';
export { Passwords } from './auth/passwords';
export { RateLimiter } from './auth/rate-limiter';
export { AccessTokens, InvalidAccessTokenError, RefreshTokens } from './auth/tokens';
export { DEMO_ADMIN, DEMO_USER, seedDemo } from './bootstrap/seed-demo';
export {
  EmailTakenError,
  InvalidCredentialsError,
  InvalidCursorError,
  LastAdminError,
  NotFoundError,
  RateLimitedError,
  RefreshRejectedError,
} from './errors';
export { decodePeopleCursor, encodePeopleCursor } from './people/people-cursor';
export { PeopleService } from './people/people.service';
export { type AppServices, createServices } from './services';
export { UsersService } from './users/users.service';
