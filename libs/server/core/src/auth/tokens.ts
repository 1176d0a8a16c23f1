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

/**
 * Signs and verifies access tokens: HS256 only, with `typ: 'access'`, `iss`, `aud`, `sub`, `sid`, `role`.
 * The key object is built once, not per request.
 * @see https://github.com/auth0/node-jsonwebtoken#jwtverifytoken-secretorpublickey-options-callback
 */
export class AccessTokens {
  private readonly key: KeyObject;

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
  verify(token: string): AccessClaims {
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
    return { userId: payload.sub, sessionId: sid, role: role.data };
  }
}
