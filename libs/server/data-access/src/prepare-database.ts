import type { DatabaseHandle } from './db';
import { isDatabaseUnavailable } from './db-errors';
import { migrateToLatest } from './migrate';
import type { Logger } from 'pino';

/**
 * Waits for the database (retrying with back-off and a clear log line each time) and applies
 * pending migrations. Gives up after `maxWaitMs`.
 */
export async function prepareDatabase(
  database: DatabaseHandle,
  logger: Logger,
  options: { maxWaitMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.maxWaitMs ?? 60_000);
  for (let attempt = 1; ; attempt++) {
    try {
      await database.ping(5_000);
      break;
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() > deadline) throw error;
      const delay = Math.min(5_000, 250 * 2 ** (attempt - 1));
      logger.warn(
        { attempt, retryInMs: delay, reason: (error as Error).message },
        `waiting for the database (${database.description})`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  const { results } = await migrateToLatest(database.db);
  for (const result of results ?? []) logger.info({ migration: result.migrationName, status: result.status }, 'migration');
}
