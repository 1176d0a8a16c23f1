import { type Database, type DatabaseHandle, type RateLimitStore } from '@app/server-data-access';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { AuthService } from './auth/auth.service';
import { Passwords } from './auth/passwords';
import { RateLimiter } from './auth/rate-limiter';
import type { ServerConfig } from './config';
import { UsersService } from './users/users.service';

/** Everything procedures need, built once per process. */
export interface AppServices {
  config: ServerConfig;
  database: DatabaseHandle;
  db: Kysely<Database>;
  logger: Logger;
  passwords: Passwords;
  limiter: RateLimiter;
  auth: AuthService;
  users: UsersService;
}

export function createServices(options: {
  config: ServerConfig;
  database: DatabaseHandle;
  logger: Logger;
  rateLimitStore: RateLimitStore;
}): AppServices {
  const { config, database, logger } = options;
  const passwords = new Passwords(config.bcryptCost);
  const limiter = new RateLimiter(options.rateLimitStore);
  return {
    config,
    database,
    db: database.db,
    logger,
    passwords,
    limiter,
    auth: new AuthService(database.db, config, passwords, limiter),
    users: new UsersService(database.db, passwords),
  };
}
