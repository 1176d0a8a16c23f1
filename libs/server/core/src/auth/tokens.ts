import { type Role, Role as RoleSchema } from '@app/contracts';
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** Claims of a valid access token. */
export interface AccessClaims {
  userId: string;
  sessionId: string;
  role: Role;
}

export class InvalidAccessTokenError extends Error {
  /** Genuine but past its `exp`: the client should refresh. */
  readonly expired: boolean;
  constructor(message: string, options: { expired?: boolean } = {}) {
    super(message);
    this.expired = options.expired ?? false;
  }
}

/** Longest token we even try to verify: a real one is ~300 bytes. */
const MAX_TOKEN_LENGTH = 2048;

/** Tokens remembered as verified (about 300 bytes each): the busiest clients of the last minutes. */
const VERIFIED_CACHE_MAX = 10_000;

interface Verified {
  claims: AccessClaims;
  /** `exp` in milliseconds: a remembered token expires exactly when the token itself does. */
  expiresAtMs: number;
}

/**
 * Signs and verifies access tokens: HS256 only, with `typ: 'access'`, `iss`, `aud`, `sub`, `sid`, `role`.
 * The key object is built once, not per request.
 * @see https://github.com/auth0/node-jsonwebtoken#jwtverifytoken-secretorpublickey-options-callback
 */
export class AccessTokens {
  private readonly key: KeyObject;
  /**
   * Tokens this process already verified, with their claims: a client sends the same token for
   * its whole lifetime (15 minutes), so checking the signature and parsing the claims once is
   * enough. Only genuine tokens are remembered, never refusals; whether the session is still
   * live is checked on every call, elsewhere.
   */
  private readonly verified = new Map<string, Verified>();

  constructor(
    secret: string,
    private readonly options: { issuer: string; audience: string; ttlMs: number },
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  sign(claims: AccessClaims, now = Date.now()): { token: string; expiresAt: Date } {
    const iat = Math.floor(now / 1000);
    const exp = iat + Math.max(1, Math.round(this.options.ttlMs / 1000));
    const token = jwt.sign({ typ: 'access', sid: claims.sessionId, role: claims.role, iat, exp }, this.key, {
      algorithm: 'HS256',
      subject: claims.userId,
      issuer: this.options.issuer,
      audience: this.options.audience,
    });
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Throws InvalidAccessTokenError for anything but a current, genuine access token. */
  verify(token: string, now = Date.now()): AccessClaims {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAtMs > now) return known.claims;
      this.verified.delete(token);
      throw new InvalidAccessTokenError('jwt expired', { expired: true });
    }
    const { claims, expiresAtMs } = this.verifySignedToken(token);
    if (this.verified.size >= VERIFIED_CACHE_MAX) this.verified.delete(this.verified.keys().next().value ?? '');
    this.verified.set(token, { claims, expiresAtMs });
    return claims;
  }

  private verifySignedToken(token: string): Verified {
    if (token.length > MAX_TOKEN_LENGTH) throw new InvalidAccessTokenError('token too long');
    let payload: string | jwt.JwtPayload;
    try {
      // Pinning the algorithm is what stops `alg: none` and HS/RS confusion.
      payload = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
      });
    } catch (error) {
      throw new InvalidAccessTokenError((error as Error).message, { expired: error instanceof jwt.TokenExpiredError });
    }
    if (typeof payload === 'string') throw new InvalidAccessTokenError('payload is not an object');
    // A token of another type signed with the same key must never pass as an access token.
    if (payload['typ'] !== 'access') throw new InvalidAccessTokenError('not an access token');
    const role = RoleSchema.safeParse(payload['role']);
    const sid = payload['sid'];
    // jsonwebtoken only checks `exp` when present; a token without one would never expire.
    if (typeof payload.exp !== 'number' || typeof payload.sub !== 'string' || typeof sid !== 'string' || !role.success) {
      throw new InvalidAccessTokenError('missing claims');
    }
    return { claims: { userId: payload.sub, sessionId: sid, role: role.data }, expiresAtMs: payload.exp * 1000 };
  }
}
