import { createHash, randomBytes } from 'node:crypto';

/** A new link token: 256 random bits, base64url (43 characters). */
export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored of a link token: its SHA-256, hex. The token itself lives only in the mail. */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
