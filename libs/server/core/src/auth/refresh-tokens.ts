import { UUID_PATTERN } from '@app/contracts';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE64URL_256 = /^[A-Za-z0-9_-]{43}$/;
const GENERATION = /^(?:0|[1-9]\d{0,9})$/;
/** `sessions.generation` is a PostgreSQL integer. */
const MAX_GENERATION = 2_147_483_647;

/**
 * A refresh token as presented, after the O(1) checks that need no database:
 * - `tagged`: `<sessionId>.<generation>.<secret>.<tag>` whose tag this server made;
 * - `legacy`: `<sessionId>.<secret>`, the format before generations travelled in the token;
 * - `forged`: the tagged shape with a tag this server did not make (a guess, or an edit).
 */
export type PresentedRefreshToken =
  | { kind: 'tagged'; sessionId: string; generation: number; secret: string }
  | { kind: 'legacy'; sessionId: string; secret: string }
  | { kind: 'forged'; sessionId: string };

/** A session's rotation state, as stored (hashes only). */
export interface RotationState {
  tokenHash: string;
  prevTokenHash: string | null;
  rotatedAt: Date | null;
  generation: number;
}

/**
 * What a presented token means for its session, decided in constant time:
 * - `current`: rotate it;
 * - `just-replaced`: the token rotated away less than the grace window ago: answer with the same current token;
 * - `reused`: a genuine older token of this session: revoke the session;
 * - `wrong`: not a token of this session: refuse, change nothing.
 */
export type TokenStanding = 'current' | 'just-replaced' | 'reused' | 'wrong';

/**
 * Opaque refresh tokens `<sessionId>.<generation>.<secret>.<tag>`: 256 random bits of secret, the
 * rotation count, and an HMAC tag over the three keyed by the server's secret. Only SHA-256
 * hashes of secrets are stored. Never a JWT, so one can never pass as an access token.
 *
 * - Each rotation derives the next secret as HMAC(chain key, previous secret), so every caller
 *   that presents the just-rotated token within the grace window gets the *same* current token.
 * - The tag makes every check O(1) whatever the session's age: a token with a bad tag is refused
 *   before the database is asked; a token with a good tag was issued by this server for that
 *   session and generation, so one older than the session's generation is reuse, recognised at once.
 * - Tokens of the legacy format `<sessionId>.<secret>` still rotate when they are the current (or,
 *   within the grace window, the just-replaced) token; anything else of that format is refused.
 */
export class RefreshTokens {
  private readonly chainKey: Buffer;
  private readonly tagKey: Buffer;

  constructor(serverSecret: string) {
    this.chainKey = createHmac('sha256', serverSecret).update('refresh-token-chain-v1').digest();
    this.tagKey = createHmac('sha256', serverSecret).update('refresh-token-tag-v1').digest();
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

  format(sessionId: string, generation: number, secret: string): string {
    return `${sessionId}.${generation}.${secret}.${this.tag(sessionId, generation, secret)}`;
  }

  /** The token's parts and whether this server issued it; undefined when it is not a refresh token at all. */
  parse(token: string): PresentedRefreshToken | undefined {
    const parts = token.split('.');
    const [sessionId = '', second = '', third, fourth] = parts;
    if (!UUID_PATTERN.test(sessionId)) return undefined;
    if (parts.length === 2) return BASE64URL_256.test(second) ? { kind: 'legacy', sessionId, secret: second } : undefined;
    if (parts.length !== 4 || third === undefined || fourth === undefined) return undefined;
    if (!GENERATION.test(second) || !BASE64URL_256.test(third) || !BASE64URL_256.test(fourth)) return undefined;
    const generation = Number(second);
    if (generation > MAX_GENERATION) return undefined;
    const genuine = timingSafeEqual(Buffer.from(this.tag(sessionId, generation, third)), Buffer.from(fourth));
    return genuine ? { kind: 'tagged', sessionId, generation, secret: third } : { kind: 'forged', sessionId };
  }

  /** Where a genuine (or legacy) token stands in its session's rotation: a few hash comparisons, never a walk. */
  standing(token: Exclude<PresentedRefreshToken, { kind: 'forged' }>, session: RotationState, withinGrace: boolean): TokenStanding {
    const presented = this.hash(token.secret);
    const isCurrent = this.same(presented, session.tokenHash);
    const isPrevious = this.same(presented, session.prevTokenHash);
    const leadsToCurrent = () => this.same(this.hash(this.next(token.secret)), session.tokenHash);

    if (token.kind === 'legacy') {
      if (isCurrent) return 'current';
      if (isPrevious) return withinGrace && leadsToCurrent() ? 'just-replaced' : 'reused';
      return 'wrong';
    }
    if (token.generation === session.generation) return isCurrent ? 'current' : 'wrong';
    if (token.generation === session.generation - 1 && isPrevious && withinGrace && leadsToCurrent()) return 'just-replaced';
    // Issued by this server for this session at an earlier generation: it has been rotated away.
    if (token.generation < session.generation) return 'reused';
    return 'wrong';
  }

  private tag(sessionId: string, generation: number, secret: string): string {
    return createHmac('sha256', this.tagKey).update(`${sessionId}.${generation}.${secret}`).digest('base64url');
  }

  /** Constant-time comparison of two hex hashes. */
  private same(hashA: string, hashB: string | null): boolean {
    if (hashB === null || hashA.length !== hashB.length) return false;
    return timingSafeEqual(Buffer.from(hashA, 'hex'), Buffer.from(hashB, 'hex'));
  }
}
