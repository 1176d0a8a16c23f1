import { createHmac, generateKeyPairSync, sign } from 'node:crypto';

/**
 * Tokens built by hand, so a test controls every byte of the header, payload and signature (as an
 * attacker would), and reads claims without verifying them.
 */

export type Claims = Record<string, unknown>;

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** The decoded payload of a JWT (no verification). */
export function claimsOf(token: string): Claims {
  const part = token.split('.')[1];
  if (part === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Claims;
}

/** The session id of a refresh token (`<session id>.<secret>`). */
export function sessionIdOf(refreshToken: string): string {
  return refreshToken.split('.')[0] ?? '';
}

/** A token signed with HMAC-SHA-256/384/512 over `header.payload`, whatever `alg` the header claims. */
export function hmacToken(header: Claims, payload: Claims, secret: string, hash: 'sha256' | 'sha384' | 'sha512' = 'sha256'): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

const HMAC_HASHES = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as const;

/** An honestly signed HMAC JWT (`{ alg, typ: 'JWT' }`) of exactly these claims: no defaults added. */
export function signToken(claims: Claims, secret: string, alg: keyof typeof HMAC_HASHES = 'HS256'): string {
  return hmacToken({ alg, typ: 'JWT' }, claims, secret, HMAC_HASHES[alg]);
}

/** A token with the given (or an empty) signature segment, as `alg: none` tokens are sent. */
export function unsignedToken(header: Claims, payload: Claims, signature = ''): string {
  return `${b64url(header)}.${b64url(payload)}.${signature}`;
}

/**
 * RS256 signed with a key the attacker made, its public half embedded in the header as `jwk`
 * (the CVE-2018-0114 pattern: a verifier that trusts an embedded key accepts anything).
 */
export function attackerRsaToken(payload: Claims): string {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const header = { alg: 'RS256', typ: 'JWT', jwk: publicKey.export({ format: 'jwk' }) };
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/** Replaces the payload segment and keeps the original signature (an edit without the key). */
export function withEditedPayload(token: string, edit: (claims: Claims) => Claims): string {
  const [header, , signature] = token.split('.');
  return `${header}.${b64url(edit(claimsOf(token)))}.${signature}`;
}
