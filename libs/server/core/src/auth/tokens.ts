import { type Role, Role as RoleSchema, UUID_PATTERN } from '@app/contracts';
import { createHash, createHmac, createSecretKey, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';
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

const SECRET = /^[A-Za-z0-9_-]{43}$/;

/**
 * Opaque refresh tokens `<sessionId>.<secret>` (256 random bits). Only SHA-256 hashes are stored.
 *
 * Each rotation derives the next secret as HMAC(key, previous secret). That lets the server,
 * holding only hashes, (a) give every caller that presents the just-rotated token within the
 * grace window the *same* current token, and (b) recognise any older token of the chain as
 * reuse, while a random guess stays just a wrong token.
 */
export class RefreshTokens {
  private readonly chainKey: Buffer;

  constructor(secret: string) {
    this.chainKey = createHmac('sha256', secret).update('refresh-token-chain-v1').digest();
  }

  newSecret(): string {
    return randomBytes(32).toString('base64url');
  }

  next(secret: string): string {
    return createHmac('sha256', this.chainKey).update(secret).digest('base64url');
  }

  hash(secret: string): string {
    return createHash('sha256').update(secret).digest('hex');
  }

  /** Constant-time comparison of two hex hashes. */
  same(hashA: string, hashB: string | null): boolean {
    if (hashB === null || hashA.length !== hashB.length) return false;
    return timingSafeEqual(Buffer.from(hashA, 'hex'), Buffer.from(hashB, 'hex'));
  }

  format(sessionId: string, secret: string): string {
    return `${sessionId}.${secret}`;
  }

  parse(token: string): { sessionId: string; secret: string } | undefined {
    const dot = token.indexOf('.');
    if (dot < 0) return undefined;
    const sessionId = token.slice(0, dot);
    const secret = token.slice(dot + 1);
    return UUID_PATTERN.test(sessionId) && SECRET.test(secret) ? { sessionId, secret } : undefined;
  }
}
