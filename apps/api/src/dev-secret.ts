import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

/**
 * Outside production, without JWT_SECRET: a random secret kept in the data directory (mode 0600),
 * so restarts keep sessions. Production refuses to start without JWT_SECRET (see libs/server/config/src/env.ts).
 */
export async function resolveDevSecret(dataDir: string, logger: Logger): Promise<string> {
  const file = join(dataDir, 'dev-jwt-secret');
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch {
    // first start: create it below
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  await writeFile(file, secret, { mode: 0o600 });
  logger.warn({ file }, 'JWT_SECRET is not set: using a generated development secret');
  return secret;
}
