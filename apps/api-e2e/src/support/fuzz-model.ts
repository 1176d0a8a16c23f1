import {
  type AuthEvent,
  AuthEventsInput,
  AuthEventsPage,
  BearerAuthResult,
  ChangePasswordInput,
  CreatePersonInput,
  LoginInput,
  OkResult,
  PeopleListInput,
  PeoplePage,
  Person,
  PersonIdInput,
  RequestPasswordResetInput,
  ResetPasswordInput,
  type Role,
  Session,
  SessionIdInput,
  SetRoleInput,
  SignupInput,
  UpdatePersonInput,
  User,
  UserEventsInput,
  UsersListInput,
  UsersPage,
  VerifyEmailInput,
} from '@app/contracts';
import { decodeAuthEventsCursor, decodePeopleCursor } from '@app/server-core';
import type { Database } from '@app/server-data-access';
import { type CallResult, sessionIdOf, trpcMutation, trpcQuery } from '@app/server-testing';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { settleLimit } from './concurrency';
import { type AbstractCall, procedureSpec, Ref, type RefSpec, type TokenChoice } from './fuzz-calls';
import { changedTables, digestTables } from './table-snapshot';

/** A live session the fuzzer holds tokens for. */
export interface LiveSession {
  userId: string;
  email: string;
  role: Role;
  sessionId: string;
  accessToken: string;
  refreshToken: string;
}

interface KnownUser {
  id: string;
  email: string;
  password: string;
  role: Role;
  /** fixed: the user and admin every batch uses; fuzz: made by fuzzed signups; victim: target of setRole. */
  kind: 'fixed' | 'fuzz' | 'victim';
  /** The address is verified: only the admin made by ensureAdmin (no fuzzed link can verify: their tokens are unknown). */
  verified: boolean;
}

interface KnownPerson {
  id: number;
  firstName: string;
  lastName: string;
}

type Prediction =
  | { accept: true }
  | { accept: false; status: number | '4xx'; zod: boolean; reason: string };

interface ResolvedCall {
  path: string;
  method: 'GET' | 'POST';
  /** As the server receives it (JSON round trip); undefined = no input sent. */
  input: unknown;
  raw?: { body: string; contentType: string };
  token: string | undefined;
  tokenLabel: string;
  owner: LiveSession | undefined;
  prediction: Prediction;
  /** Round-trip checks and model update for an accepted call. */
  onAccept?: (data: unknown) => void;
}

export interface FuzzStats {
  batches: number;
  calls: number;
  accepted: number;
  rejected: Record<string, number>;
  verifications: number;
  byProcedure: Record<string, number>;
}

const NOT_FOUND_ID_BASE = 2_000_000_000;
/** Procedures that end the caller's session, or all of the user's. */
const SESSION_ENDING = new Set(['auth.logout', 'auth.changePassword']);
const LEAK = /\bat [\w.<>]+ \(|node_modules|\bselect\b|\binsert into\b|\bupdate \w+ set\b|relation "|violates|kysely|syntax error|\bpg_|stack/i;

class FuzzViolation extends Error {}

function fail(message: string): never {
  throw new FuzzViolation(message);
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** What the server actually receives: JSON drops undefined, turns NaN into null, and so on. */
function wire(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/** What the database's `search_fold` does: NFKD, combining marks dropped, lower-cased (search ignores case and accents). */
function searchFold(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g, '').toLowerCase();
}

function isValidUsersCursor(cursor: string): boolean {
  const email = Buffer.from(cursor, 'base64url').toString('utf8');
  return email.includes('@') && email.length <= 254 && !email.includes('\u0000');
}

function isValidPeopleCursor(cursor: string, sort: 'name' | 'newest'): boolean {
  try {
    decodePeopleCursor(cursor, sort);
    return true;
  } catch {
    return false;
  }
}

function isValidEventsCursor(cursor: string): boolean {
  try {
    decodeAuthEventsCursor(cursor);
    return true;
  } catch {
    return false;
  }
}

function emailVariant(email: string, upper: boolean, pad: string): string {
  return `${pad}${upper ? email.toUpperCase() : email}${pad}`;
}

/** The invariants the contracts state for a stored name: trimmed, NFC, 1..30 code points, no control characters. */
function checkName(label: string, value: string): void {
  const length = [...value].length;
  if (value !== value.trim() || value !== value.normalize('NFC') || length < 1 || length > 30 || /\p{Cc}/u.test(value) || /\p{Cs}/u.test(value)) {
    fail(`${label} breaks the name invariants (trimmed, NFC, 1..30 characters, no control characters): ${show(value)} (${length} code points)`);
  }
}

function parseOrFail<T>(label: string, schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) fail(`${label}: response does not match its contract: ${parsed.error.message}; got ${show(data)}`);
  return parsed.data;
}

/**
 * The fuzzer's model of the server: what exists (users, sessions, people), so it can build valid
 * inputs from real data, predict the answer to every call, and check the accepted ones round-trip.
 *
 * Each batch runs in phases: first every call predicted to be refused (concurrently, between two
 * table digests that must be equal), then the calls predicted to be accepted (concurrently; the
 * resources they touch are reserved so no two calls of a batch race on the same row), then the
 * verification reads that prove the accepted writes round-trip.
 */
export class FuzzModel {
  readonly stats: FuzzStats = { batches: 0, calls: 0, accepted: 0, rejected: {}, verifications: 0, byProcedure: {} };
  private readonly users: KnownUser[] = [];
  private readonly byEmail = new Map<string, KnownUser>();
  private sessions: LiveSession[] = [];
  private readonly people = new Map<number, KnownPerson>();
  private readonly deleted: number[] = [];
  private readonly peopleCursors: { cursor: string; sort: 'name' | 'newest' }[] = [];
  private readonly usersCursors: string[] = [];
  private readonly eventsCursors: string[] = [];
  private fixedUser!: LiveSession;
  private admin!: LiveSession;
  private counter = 0;

  // Per-batch reservations.
  private reservedSessions = new Set<string>();
  private reservedUsers = new Set<string>();
  private loginUsers = new Set<string>();
  private reservedPeople = new Set<number>();
  private reservedVictims = new Set<string>();
  private verifications: (() => Promise<void>)[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly db: Kysely<Database>,
    private readonly concurrency = 8,
  ) {}

  /** Fixed user and admin, a few users for logins and role changes, and some people. */
  async setup(ensureAdmin: (email: string, password: string) => Promise<unknown>): Promise<void> {
    const password = () => `Fz#1${randomUUID().slice(0, 12)}Q`;
    const signup = async (kind: KnownUser['kind']) => {
      const email = `fuzz.${kind}.${randomUUID().slice(0, 8)}@example.com`;
      const pw = password();
      const res = await trpcMutation<BearerAuthResult>(this.baseUrl, 'auth.signup', { email, password: pw });
      if (res.status !== 200) throw new Error(`setup signup failed: ${res.status} ${res.text}`);
      this.addUser({ id: res.data.user.id, email, password: pw, role: 'user', kind, verified: false });
      return this.sessionOf(res.data);
    };
    this.fixedUser = await signup('fixed');
    for (let i = 0; i < 3; i++) this.sessions.push(await signup('fuzz'));
    for (let i = 0; i < 4; i++) await signup('victim');

    const adminEmail = `fuzz.admin.${randomUUID().slice(0, 8)}@example.com`;
    const adminPassword = password();
    await ensureAdmin(adminEmail, adminPassword);
    const login = await trpcMutation<BearerAuthResult>(this.baseUrl, 'auth.login', { email: adminEmail, password: adminPassword });
    if (login.status !== 200) throw new Error(`setup admin login failed: ${login.status} ${login.text}`);
    this.addUser({ id: login.data.user.id, email: adminEmail, password: adminPassword, role: 'admin', kind: 'fixed', verified: true });
    this.admin = this.sessionOf(login.data);

    for (let i = 0; i < 30; i++) {
      const res = await trpcMutation<Person>(this.baseUrl, 'people.create', { firstName: `Seed${i}`, lastName: `Person${i}` }, { token: this.fixedUser.accessToken });
      if (res.status !== 200) throw new Error(`setup create failed: ${res.status} ${res.text}`);
      this.people.set(res.data.id, { id: res.data.id, firstName: res.data.firstName, lastName: res.data.lastName });
    }
  }

  private addUser(user: KnownUser): void {
    this.users.push(user);
    this.byEmail.set(user.email, user);
  }

  private sessionOf(result: BearerAuthResult): LiveSession {
    return {
      userId: result.user.id,
      email: result.user.email,
      role: result.user.role,
      sessionId: sessionIdOf(result.refreshToken),
      accessToken: result.accessToken,
      refreshToken: result.refreshToken,
    };
  }

  /** Runs one batch of fuzzed calls; throws FuzzViolation when an invariant breaks. */
  async runBatch(batch: readonly AbstractCall[]): Promise<void> {
    this.reservedSessions = new Set();
    this.reservedUsers = new Set();
    this.loginUsers = new Set();
    this.reservedPeople = new Set();
    this.reservedVictims = new Set();
    this.verifications = [];
    this.stats.batches += 1;

    const calls = batch.map((call) => this.resolve(call));
    const refused = calls.filter((c) => !c.prediction.accept);
    const accepted = calls.filter((c) => c.prediction.accept);

    // Phase 1: refusals must change no row.
    const before = await digestTables(this.db);
    await settleLimit(refused, this.concurrency, (call) => this.execute(call));
    const after = await digestTables(this.db);
    const changed = changedTables(before, after);
    if (changed.length > 0) {
      fail(`refused calls changed rows in ${changed.join(', ')}: ${refused.map((c) => `${c.path} ${show(c.input)}`).join(' | ')}`);
    }

    // Phase 2: accepted calls, then the reads that prove they round-trip.
    await settleLimit(accepted, this.concurrency, (call) => this.execute(call));
    const verifications = this.verifications;
    this.verifications = [];
    await settleLimit(verifications, this.concurrency, (verify) => verify());
  }

  private async execute(call: ResolvedCall): Promise<void> {
    const res = await this.send(call);
    this.stats.calls += 1;
    const key = call.prediction.accept === false && call.prediction.reason === 'no such procedure' ? '(unknown path)' : call.path;
    this.stats.byProcedure[key] = (this.stats.byProcedure[key] ?? 0) + 1;
    const label = `${call.method} ${call.path} [token: ${call.tokenLabel}] input ${show(call.input)}${call.raw ? ` raw ${show(call.raw.body.slice(0, 80))} (${call.raw.contentType})` : ''}`;
    if (res.status >= 500) fail(`${label}: answered ${res.status}: ${res.text.slice(0, 300)}`);
    const p = call.prediction;
    if (p.accept) {
      if (res.status !== 200) fail(`${label}: expected 200, got ${res.status}: ${res.text.slice(0, 400)}`);
      this.stats.accepted += 1;
      try {
        call.onAccept?.(res.data);
      } catch (error) {
        fail(`${label}: ${(error as Error).message}`);
      }
      return;
    }
    this.stats.rejected[String(res.status)] = (this.stats.rejected[String(res.status)] ?? 0) + 1;
    if (p.status === '4xx' ? res.status < 400 || res.status >= 500 : res.status !== p.status) {
      fail(`${label}: expected ${p.status} (${p.reason}), got ${res.status}: ${res.text.slice(0, 400)}`);
    }
    if (p.reason === 'no such procedure' && !res.headers.get('content-type')?.includes('json')) {
      fail(`${label}: ${res.status} without a JSON error body: ${res.text.slice(0, 200)}`);
    }
    if (p.reason === 'no such procedure' && !new URL(`${this.baseUrl}/trpc/${call.path}`).pathname.startsWith('/trpc/')) {
      // Dot segments resolve outside /trpc (e.g. "/trpc/.." is "/"): the app's plain 404 answers, with a message.
      if (typeof res.error?.message !== 'string') fail(`${label}: ${res.status} without a message: ${res.text.slice(0, 200)}`);
      return;
    }
    // Parse errors and unknown paths quote the caller's own input back; only other messages are checked for leaks.
    checkRefusal(label, res, p.zod, !call.raw && p.reason !== 'no such procedure');
  }

  private send(call: ResolvedCall): Promise<CallResult> {
    if (call.raw) {
      const headers: Record<string, string> = { 'content-type': call.raw.contentType };
      if (call.token !== undefined) headers['authorization'] = `Bearer ${call.token}`;
      return rawCall(`${this.baseUrl}/trpc/${call.path}`, { method: 'POST', headers, body: call.raw.body });
    }
    const options = call.token === undefined ? {} : { token: call.token };
    return call.method === 'GET'
      ? trpcQuery(this.baseUrl, call.path, call.input, options)
      : trpcMutation(this.baseUrl, call.path, call.input, options);
  }

  // ---- resolution: Refs → real values, tokens → real tokens, and a prediction ----

  private resolve(call: AbstractCall): ResolvedCall {
    let { token, owner, label } = this.resolveToken(call.token);
    // Calls that end the caller's session (or all of the user's) must not end the fixed sessions: use a fuzz user's instead.
    if (call.kind === 'procedure' && SESSION_ENDING.has(call.procedure) && owner && (owner === this.fixedUser || owner === this.admin)) {
      owner = this.takeSession(0);
      token = owner?.accessToken;
      label = owner ? 'session (swapped from a fixed one)' : 'none (swapped)';
    }
    if (call.kind === 'unknown-path') {
      return {
        path: call.path,
        method: call.method,
        input: undefined,
        token,
        tokenLabel: label,
        owner,
        prediction: { accept: false, status: '4xx', zod: false, reason: 'no such procedure' },
      };
    }
    const p = procedureSpec(call.procedure);
    const rightMethod = p.kind === 'query' ? 'GET' : 'POST';
    let input = wire(this.resolveRefs(call.input, owner, p.path));
    const idFromRef = typeof call.input === 'object' && call.input !== null && (call.input as { id?: unknown }).id instanceof Ref;
    if (!idFromRef) input = this.reservePlainPersonId(p.path, input);
    const resolved: ResolvedCall = { path: p.path, method: rightMethod, input, token, tokenLabel: label, owner, prediction: { accept: true } };

    if (call.transport.kind === 'wrong-method') {
      resolved.method = rightMethod === 'GET' ? 'POST' : 'GET';
      resolved.prediction = { accept: false, status: 405, zod: false, reason: 'wrong HTTP method' };
      return resolved;
    }
    if (call.transport.kind === 'raw' && p.kind === 'mutation') {
      resolved.raw = { body: call.transport.body, contentType: call.transport.contentType };
      resolved.prediction = { accept: false, status: '4xx', zod: false, reason: 'not a JSON body' };
      return resolved;
    }

    // Access first (protected procedures check the token before reading the input).
    if (p.access !== 'public') {
      if (!owner) return { ...resolved, prediction: { accept: false, status: 401, zod: false, reason: 'no valid token' } };
      if (p.access === 'admin' && owner.role !== 'admin') return { ...resolved, prediction: { accept: false, status: 403, zod: false, reason: 'not an admin' } };
    }
    if (p.contract) {
      const parsed = p.contract.safeParse(input);
      if (!parsed.success) return { ...resolved, prediction: { accept: false, status: 400, zod: true, reason: 'input fails its contract' } };
    }

    // users.setRole: never demote the fixed admin while another admin exists (that would succeed and end its session).
    if (p.path === 'users.setRole') {
      const parsed = SetRoleInput.parse(input);
      const otherAdmins = this.users.some((u) => u.role === 'admin' && u.id !== this.admin.userId);
      if (parsed.userId === this.admin.userId && parsed.role === 'user' && otherAdmins) {
        input = { ...(input as object), role: 'admin' };
        resolved.input = input;
      }
    }
    const domain = this.predictDomain(resolved);
    return { ...resolved, ...domain };
  }

  /**
   * A schema-derived id (not a Ref) can still name an existing person (1 is a favourite boundary):
   * reserve it like a Ref would, or, when another call of the batch already holds it, point the call
   * at an id that does not exist.
   */
  private reservePlainPersonId(path: string, input: unknown): unknown {
    if (!path.startsWith('people.') || path === 'people.list' || typeof input !== 'object' || input === null) return input;
    const id = (input as { id?: unknown }).id;
    if (typeof id !== 'number' || !this.people.has(id)) return input;
    if (!this.reservedPeople.has(id)) {
      this.reservedPeople.add(id);
      return input;
    }
    return { ...input, id: NOT_FOUND_ID_BASE + 2000 + (id % 1000) };
  }

  private resolveToken(choice: TokenChoice): { token: string | undefined; owner: LiveSession | undefined; label: string } {
    switch (choice.kind) {
      case 'user':
        return { token: this.fixedUser.accessToken, owner: this.fixedUser, label: 'user' };
      case 'admin':
        return { token: this.admin.accessToken, owner: this.admin, label: 'admin' };
      case 'session': {
        const session = this.takeSession(choice.pick);
        return session ? { token: session.accessToken, owner: session, label: `session of ${session.email}` } : { token: undefined, owner: undefined, label: 'none (no free session)' };
      }
      case 'none':
        return { token: undefined, owner: undefined, label: 'none' };
      case 'garbage':
        return { token: choice.value, owner: undefined, label: 'garbage' };
    }
  }

  /** Reserves a free session of a fuzz user for one call of this batch. */
  private takeSession(pick: number, filter: (s: LiveSession) => boolean = () => true): LiveSession | undefined {
    const free = this.sessions.filter((s) => !this.reservedSessions.has(s.sessionId) && !this.reservedUsers.has(s.userId) && filter(s));
    const session = free[pick % Math.max(1, free.length)];
    if (session) this.reservedSessions.add(session.sessionId);
    return session;
  }

  private resolveRefs(value: unknown, owner: LiveSession | undefined, path: string): unknown {
    if (value instanceof Ref) return this.resolveRef(value.spec, owner, path);
    if (Array.isArray(value)) return value.map((v) => this.resolveRefs(v, owner, path));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) out[key] = this.resolveRefs(v, owner, path);
      return out;
    }
    return value;
  }

  private resolveRef(spec: RefSpec, owner: LiveSession | undefined, path: string): unknown {
    switch (spec.ref) {
      case 'freshEmail': {
        this.counter += 1;
        return emailVariant(`${spec.local}-${this.counter}@${spec.domain}`, spec.upper, spec.pad);
      }
      case 'knownEmail': {
        const user = this.users[spec.pick % this.users.length] as KnownUser;
        return emailVariant(user.email, spec.upper, spec.pad);
      }
      case 'credentials': {
        const candidates = this.users.filter((u) => u.kind === 'fuzz');
        const user = candidates[spec.pick % candidates.length] as KnownUser;
        let password = user.password;
        const mode = spec.password === 'exact' && this.reservedUsers.has(user.id) ? 'nearMiss' : spec.password;
        if (mode === 'nearMiss') password = nearMiss(password, spec.pick);
        if (mode === 'otherUsers') password = this.users.find((u) => u.password !== user.password)?.password ?? nearMiss(password, spec.pick);
        if (mode === 'exact') this.loginUsers.add(user.id);
        return { email: emailVariant(user.email, spec.upper, spec.pad), password };
      }
      case 'ownPassword': {
        const user = this.users.find((u) => u.id === owner?.userId);
        if (!user) return nearMiss('Nobody#Pass1', spec.pick);
        return spec.exact ? user.password : nearMiss(user.password, spec.pick);
      }
      case 'person': {
        const ids = [...this.people.keys()].filter((id) => !this.reservedPeople.has(id));
        const id = ids[spec.pick % Math.max(1, ids.length)];
        if (id === undefined) return NOT_FOUND_ID_BASE + (spec.pick % 1000);
        this.reservedPeople.add(id);
        return id;
      }
      case 'deletedPerson':
        return this.deleted[spec.pick % Math.max(1, this.deleted.length)] ?? NOT_FOUND_ID_BASE + 1000 + (spec.pick % 1000);
      case 'peopleCursor':
        return this.peopleCursors[spec.pick % Math.max(1, this.peopleCursors.length)]?.cursor ?? 'bm8tY3Vyc29yLXlldA';
      case 'usersCursor':
        return this.usersCursors[spec.pick % Math.max(1, this.usersCursors.length)] ?? 'bm8tY3Vyc29yLXlldA';
      case 'eventsCursor':
        return this.eventsCursors[spec.pick % Math.max(1, this.eventsCursors.length)] ?? 'bm8tY3Vyc29yLXlldA';
      case 'anyUserId':
        return (this.users[spec.pick % this.users.length] as KnownUser).id;
      case 'refreshToken': {
        if (spec.variant === 'current' && path === 'auth.refresh') {
          const session = this.takeSession(spec.pick);
          if (session) return session.refreshToken;
        }
        const all = [this.fixedUser, this.admin, ...this.sessions];
        const target = all[spec.pick % all.length] as LiveSession;
        if (spec.variant === 'otherSession') {
          const other = all[(spec.pick + 1) % all.length] as LiveSession;
          return `${target.sessionId}.${other.refreshToken.slice(other.refreshToken.indexOf('.') + 1)}`;
        }
        return `${target.sessionId}.${spec.secret}`;
      }
      case 'sessionId': {
        if (spec.whose === 'own') {
          if (owner && this.sessions.includes(owner)) {
            const mine = this.takeSession(spec.pick, (s) => s.userId === owner.userId);
            return (mine ?? owner).sessionId;
          }
          if (!owner) return this.sessions[spec.pick % Math.max(1, this.sessions.length)]?.sessionId ?? randomUUID();
          return randomUUID();
        }
        const others = [this.fixedUser, this.admin, ...this.sessions].filter((s) => s.userId !== owner?.userId);
        return others[spec.pick % Math.max(1, others.length)]?.sessionId ?? randomUUID();
      }
      case 'userId': {
        if (spec.whose === 'admin') return this.admin.userId;
        const victims = this.users.filter((u) => u.kind === 'victim' && !this.reservedVictims.has(u.id));
        const victim = victims[spec.pick % Math.max(1, victims.length)];
        if (!victim) return randomUUID();
        this.reservedVictims.add(victim.id);
        return victim.id;
      }
    }
  }

  // ---- prediction and round-trip checks per procedure ----

  private predictDomain(call: ResolvedCall): Pick<ResolvedCall, 'prediction' | 'onAccept'> & Partial<Pick<ResolvedCall, 'owner' | 'token' | 'tokenLabel' | 'input'>> {
    const reject = (status: number, reason: string) => ({ prediction: { accept: false as const, status, zod: false, reason } });
    const accept = (onAccept: (data: unknown) => void) => ({ prediction: { accept: true as const }, onAccept });
    const owner = call.owner;
    switch (call.path) {
      case 'auth.signup': {
        const input = SignupInput.parse(call.input);
        if (this.byEmail.has(input.email)) return reject(409, 'email already registered');
        return accept((data) => {
          const result = parseOrFail('signup', BearerAuthResult, data);
          if (result.user.email !== input.email || result.user.role !== 'user') fail(`signup returned ${show(result.user)} for ${show(input.email)}`);
          if (result.user.emailVerified) fail(`signup returned a verified address: ${show(result.user)}`);
          this.addUser({ id: result.user.id, email: input.email, password: (call.input as { password: string }).password, role: 'user', kind: 'fuzz', verified: false });
          const session = this.sessionOf(result);
          this.sessions.push(session);
          this.verifyMe(session);
        });
      }
      case 'auth.login': {
        const input = LoginInput.parse(call.input);
        const user = this.byEmail.get(input.email);
        const password = (call.input as { password: string }).password;
        if (!user || user.kind !== 'fuzz' || user.password !== password || this.reservedUsers.has(user.id)) return reject(401, 'wrong credentials');
        this.loginUsers.add(user.id);
        return accept((data) => {
          const result = parseOrFail('login', BearerAuthResult, data);
          if (result.user.id !== user.id || result.user.email !== user.email) fail(`login returned ${show(result.user)} for ${user.email}`);
          const session = this.sessionOf(result);
          this.sessions.push(session);
          this.verifyMe(session);
        });
      }
      case 'auth.refresh': {
        const token = (call.input as { refreshToken?: string } | undefined)?.refreshToken;
        const session = this.sessions.find((s) => s.refreshToken === token);
        if (!session || !this.reservedSessions.has(session.sessionId)) return reject(401, 'not a current refresh token');
        return accept((data) => {
          const result = parseOrFail('refresh', BearerAuthResult, data);
          if (result.user.id !== session.userId) fail(`refresh returned another user ${show(result.user)}`);
          const next = this.sessionOf(result);
          if (next.sessionId !== session.sessionId || next.refreshToken === session.refreshToken) fail(`refresh did not rotate within the session: ${show(next)}`);
          session.accessToken = next.accessToken;
          session.refreshToken = next.refreshToken;
          this.verifyMe(session);
        });
      }
      case 'auth.logout': {
        if (!owner) return reject(401, 'no valid token');
        const allDevices = (call.input as { allDevices?: boolean } | undefined)?.allDevices === true;
        if (allDevices) {
          const conflict =
            this.loginUsers.has(owner.userId) ||
            this.sessions.some((s) => s.userId === owner.userId && s !== owner && this.reservedSessions.has(s.sessionId));
          if (conflict) return { ...reject(401, 'no valid token'), owner: undefined, token: undefined, tokenLabel: 'none (conflict)' };
          this.reservedUsers.add(owner.userId);
        }
        return accept((data) => {
          parseOrFail('logout', OkResult, data);
          const ended = this.sessions.filter((s) => (allDevices ? s.userId === owner.userId : s === owner));
          this.sessions = this.sessions.filter((s) => !ended.includes(s));
          for (const s of ended) this.verifyRevoked(s);
        });
      }
      case 'auth.changePassword': {
        const me = owner as LiveSession;
        const input = ChangePasswordInput.parse(call.input);
        const user = this.users.find((u) => u.id === me.userId) as KnownUser;
        const wrongPassword = { prediction: { accept: false as const, status: 400, zod: true, reason: 'wrong current password' } };
        if (input.currentPassword !== user.password) return wrongPassword;
        // The password and the user's sessions change: nothing else of this batch may use them.
        const conflict =
          this.reservedUsers.has(user.id) ||
          this.loginUsers.has(user.id) ||
          this.sessions.some((s) => s.userId === user.id && s !== me && this.reservedSessions.has(s.sessionId));
        if (conflict) return { ...wrongPassword, input: { ...(call.input as object), currentPassword: nearMiss(user.password, 1) } };
        this.reservedUsers.add(user.id);
        return accept((data) => {
          const result = parseOrFail('changePassword', BearerAuthResult, data);
          const next = this.sessionOf(result);
          if (result.user.id !== me.userId || next.sessionId === me.sessionId) fail(`changePassword did not start a new session of ${me.email}: ${show(result.user)}`);
          user.password = input.newPassword;
          const ended = this.sessions.filter((s) => s === me || (input.signOutOtherDevices && s.userId === me.userId));
          this.sessions = [...this.sessions.filter((s) => !ended.includes(s)), next];
          for (const s of ended) this.verifyRevoked(s);
          this.verifyMe(next);
        });
      }
      case 'auth.me': {
        const me = owner as LiveSession;
        return accept((data) => {
          const user = parseOrFail('me', User, data);
          if (user.id !== me.userId || user.email !== me.email || user.role !== me.role) fail(`me returned ${show(user)}, expected ${me.email}`);
        });
      }
      case 'auth.sessions': {
        const me = owner as LiveSession;
        return accept((data) => {
          const sessions = parseOrFail('sessions', z.array(Session), data);
          const current = sessions.filter((s) => s.current);
          if (current.length !== 1 || current[0]?.id !== me.sessionId) fail(`sessions does not flag exactly the caller's session as current: ${show(sessions)}`);
        });
      }
      case 'auth.revokeSession': {
        const me = owner as LiveSession;
        const { sessionId } = SessionIdInput.parse(call.input);
        const target = this.sessions.find((s) => s.sessionId === sessionId && s.userId === me.userId);
        if (!target || !this.reservedSessions.has(sessionId)) return reject(404, 'not a session of the caller');
        return accept((data) => {
          parseOrFail('revokeSession', OkResult, data);
          this.sessions = this.sessions.filter((s) => s !== target);
          this.verifyRevoked(target);
        });
      }
      case 'auth.requestPasswordReset': {
        // The same answer for every email, known or not; it changes no password and ends no session.
        RequestPasswordResetInput.parse(call.input);
        return accept((data) => parseOrFail('requestPasswordReset', OkResult, data));
      }
      case 'auth.resetPassword': {
        // Every token the fuzzer can send is unknown to the server (see linkToken in fuzz-calls.ts).
        ResetPasswordInput.parse(call.input);
        return reject(400, 'unknown reset link');
      }
      case 'auth.verifyEmail': {
        VerifyEmailInput.parse(call.input);
        return reject(400, 'unknown verification link');
      }
      case 'auth.resendVerification': {
        const user = this.users.find((u) => u.id === owner?.userId);
        if (!user) return fail(`internal: no user for ${owner?.email ?? 'nobody'}`);
        if (user.verified) return reject(409, 'address already verified');
        return accept((data) => parseOrFail('resendVerification', OkResult, data));
      }
      case 'people.list': {
        const input = PeopleListInput.parse(call.input);
        if (input.cursor !== undefined && !isValidPeopleCursor(input.cursor, input.sort)) return reject(400, 'cursor not issued for this sort');
        return accept((data) => {
          const page = parseOrFail('people.list', PeoplePage, data);
          if (page.items.length > input.limit) fail(`list returned ${page.items.length} items for limit ${input.limit}`);
          const ids = page.items.map((p) => p.id);
          if (new Set(ids).size !== ids.length) fail(`list returned duplicate ids ${show(ids)}`);
          if (input.sort === 'newest' && ids.some((id, i) => i > 0 && id >= (ids[i - 1] as number))) fail(`newest-first order broken: ${show(ids)}`);
          const search = input.search;
          if (search && /^[\x20-\x7e]*$/.test(search)) {
            const term = searchFold(search);
            for (const p of page.items) {
              const full = searchFold(`${p.firstName} ${p.lastName}`);
              if (!full.startsWith(term) && !searchFold(p.lastName).startsWith(term)) fail(`search ${show(search)} returned ${show(p)}`);
            }
          }
          for (const p of page.items) {
            checkName('firstName', p.firstName);
            checkName('lastName', p.lastName);
            const known = this.people.get(p.id);
            if (known && !this.reservedPeople.has(p.id) && (known.firstName !== p.firstName || known.lastName !== p.lastName)) {
              fail(`list shows ${show(p)}, but the last write was ${show(known)}`);
            }
          }
          if (page.nextCursor) {
            this.peopleCursors.push({ cursor: page.nextCursor, sort: input.sort });
            if (this.peopleCursors.length > 50) this.peopleCursors.shift();
            // The next page continues after this one: no overlap.
            const next = page.nextCursor;
            this.verifications.push(async () => {
              const res = await trpcQuery<unknown>(this.baseUrl, 'people.list', { ...input, cursor: next }, { token: this.fixedUser.accessToken });
              this.stats.verifications += 1;
              if (res.status !== 200) fail(`next page of ${show(input)} answered ${res.status}: ${res.text.slice(0, 200)}`);
              const second = parseOrFail('people.list (next page)', PeoplePage, res.data);
              const overlap = second.items.filter((p) => ids.includes(p.id) && !this.reservedPeople.has(p.id));
              if (overlap.length > 0) fail(`pages overlap for ${show(input)}: ${show(overlap.map((p) => p.id))}`);
            });
          }
        });
      }
      case 'people.byId': {
        const { id } = PersonIdInput.parse(call.input);
        const known = this.people.get(id);
        if (!known) return reject(404, 'no such person');
        return accept((data) => {
          const person = parseOrFail('byId', Person, data);
          if (person.id !== id || person.firstName !== known.firstName || person.lastName !== known.lastName) fail(`byId returned ${show(person)}, expected ${show(known)}`);
        });
      }
      case 'people.create': {
        const input = CreatePersonInput.parse(call.input);
        return accept((data) => {
          const person = parseOrFail('create', Person, data);
          this.checkPersonWrite('create', person, input);
          this.people.set(person.id, { id: person.id, firstName: person.firstName, lastName: person.lastName });
          this.verifyPerson(person.id);
        });
      }
      case 'people.update': {
        const input = UpdatePersonInput.parse(call.input);
        if (!this.people.has(input.id)) return reject(404, 'no such person');
        return accept((data) => {
          const person = parseOrFail('update', Person, data);
          if (person.id !== input.id) fail(`update of ${input.id} returned ${person.id}`);
          this.checkPersonWrite('update', person, input);
          this.people.set(person.id, { id: person.id, firstName: person.firstName, lastName: person.lastName });
          this.verifyPerson(person.id);
        });
      }
      case 'people.delete': {
        const { id } = PersonIdInput.parse(call.input);
        if (!this.people.has(id)) return reject(404, 'no such person');
        return accept((data) => {
          const result = parseOrFail('delete', z.object({ id: z.number() }), data);
          if (result.id !== id) fail(`delete of ${id} returned ${result.id}`);
          this.people.delete(id);
          this.deleted.push(id);
          this.verifyPerson(id);
        });
      }
      case 'users.list': {
        const input = UsersListInput.parse(call.input);
        if (input.cursor !== undefined && !isValidUsersCursor(input.cursor)) return reject(400, 'cursor is not an issued one');
        return accept((data) => {
          const page = parseOrFail('users.list', UsersPage, data);
          if (page.items.length > input.limit) fail(`users.list returned ${page.items.length} items for limit ${input.limit}`);
          for (const u of page.items) {
            const known = this.byEmail.get(u.email);
            if (known && !this.reservedVictims.has(known.id) && (known.id !== u.id || known.role !== u.role)) fail(`users.list shows ${show(u)}, model has ${known.role}`);
          }
          if (page.nextCursor) {
            this.usersCursors.push(page.nextCursor);
            if (this.usersCursors.length > 50) this.usersCursors.shift();
          }
        });
      }
      case 'auth.events': {
        const me = owner as LiveSession;
        const input = AuthEventsInput.parse(call.input);
        if (input.cursor !== undefined && !isValidEventsCursor(input.cursor)) return reject(400, 'cursor is not an issued one');
        return accept((data) => this.checkEventsPage(`auth.events of ${me.email}`, data, input.limit));
      }
      case 'users.events': {
        const input = UserEventsInput.parse(call.input);
        if (input.cursor !== undefined && !isValidEventsCursor(input.cursor)) return reject(400, 'cursor is not an issued one');
        const target = this.users.find((u) => u.id === input.userId);
        if (!target) return reject(404, 'no such user');
        return accept((data) => this.checkEventsPage(`users.events of ${target.email}`, data, input.limit));
      }
      case 'users.setRole': {
        const input = SetRoleInput.parse(call.input);
        const target = this.users.find((u) => u.id === input.userId);
        if (!target) return reject(404, 'no such user');
        if (target.id === this.admin.userId && input.role === 'user') return reject(400, 'the last admin cannot be demoted');
        if (target.kind !== 'victim' && target.id !== this.admin.userId) fail(`internal: setRole resolved to a non-victim ${target.email}`);
        return accept((data) => {
          const user = parseOrFail('setRole', User, data);
          if (user.id !== target.id || user.role !== input.role) fail(`setRole(${input.role}) returned ${show(user)}`);
          target.role = input.role;
        });
      }
      default:
        return fail(`internal: no model for ${call.path}`);
    }
  }

  /** A page of events: within the limit, newest first by (createdAt, id), no token or password in it; its cursor is kept for later calls. */
  private checkEventsPage(label: string, data: unknown, limit: number): void {
    const page = parseOrFail(label, AuthEventsPage, data);
    if (page.items.length > limit) fail(`${label} returned ${page.items.length} items for limit ${limit}`);
    const key = (e: AuthEvent) => [Date.parse(e.createdAt), BigInt(e.id)] as const;
    page.items.forEach((event, i) => {
      const previous = page.items[i - 1];
      if (!previous) return;
      const [t0, id0] = key(previous);
      const [t1, id1] = key(event);
      if (t1 > t0 || (t1 === t0 && id1 >= id0)) fail(`${label} is not newest first: ${show(page.items.map((e) => [e.createdAt, e.id]))}`);
    });
    const text = JSON.stringify(page);
    if (/password|token/i.test(text.replace(/"(password_changed|password_reset|password_reset_requested)"/g, ''))) fail(`${label} mentions a password or token: ${show(page)}`);
    if (page.nextCursor) {
      this.eventsCursors.push(page.nextCursor);
      if (this.eventsCursors.length > 50) this.eventsCursors.shift();
    }
  }

  private checkPersonWrite(label: string, person: Person, input: { firstName: string; lastName: string }): void {
    if (person.firstName !== input.firstName || person.lastName !== input.lastName) {
      fail(`${label} stored ${show([person.firstName, person.lastName])}, the contract's parse of the input is ${show([input.firstName, input.lastName])}`);
    }
    checkName(`${label} firstName`, person.firstName);
    checkName(`${label} lastName`, person.lastName);
  }

  /** Reads the person back (or its absence) after the write. */
  private verifyPerson(id: number): void {
    this.verifications.push(async () => {
      const res = await trpcQuery<Person>(this.baseUrl, 'people.byId', { id }, { token: this.fixedUser.accessToken });
      this.stats.verifications += 1;
      const known = this.people.get(id);
      if (!known) {
        if (res.status !== 404) fail(`deleted person ${id} still answers ${res.status}`);
        return;
      }
      if (res.status !== 200 || res.data.firstName !== known.firstName || res.data.lastName !== known.lastName) {
        fail(`person ${id} reads back as ${res.status} ${res.text.slice(0, 200)}, expected ${show(known)}`);
      }
    });
  }

  /** The new tokens work at once. */
  private verifyMe(session: LiveSession): void {
    const token = session.accessToken;
    this.verifications.push(async () => {
      const res = await trpcQuery<User>(this.baseUrl, 'auth.me', undefined, { token });
      this.stats.verifications += 1;
      if (res.status !== 200 || res.data.id !== session.userId) fail(`a fresh access token of ${session.email} answers ${res.status}: ${res.text.slice(0, 200)}`);
    });
  }

  /** A revoked session's access token stops working at once. */
  private verifyRevoked(session: LiveSession): void {
    this.verifications.push(async () => {
      const res = await trpcQuery(this.baseUrl, 'auth.me', undefined, { token: session.accessToken });
      this.stats.verifications += 1;
      if (res.status !== 401) fail(`revoked session ${session.sessionId} still answers ${res.status}`);
    });
  }

  /** The fixed sessions still work after the run (nothing the fuzzer sent ended them). */
  async checkFixedSessions(): Promise<void> {
    for (const session of [this.fixedUser, this.admin]) {
      const res = await trpcQuery<User>(this.baseUrl, 'auth.me', undefined, { token: session.accessToken });
      if (res.status !== 200) fail(`fixed session of ${session.email} answers ${res.status} after the run`);
    }
  }
}

/** A different password: one code unit replaced, appended or removed, or look-alike characters swapped. */
function nearMiss(password: string, seed: number): string {
  switch (seed % 4) {
    case 0:
      return `${password.slice(0, -1)}${password.endsWith('x') ? 'y' : 'x'}`;
    case 1:
      return `${password}x`;
    case 2:
      return password.slice(1);
    default: {
      // A look-alike: every unpaired surrogate swapped for another, U+FFFD for a surrogate.
      const swapped = password.replace(/\p{Cs}|\ufffd/gu, (c) => (c === '\ud800' ? '\udbff' : '\ud800'));
      return swapped === password ? `${password.slice(0, -1)}${password.endsWith('x') ? 'y' : 'x'}` : swapped;
    }
  }
}

/** A refusal is a 4xx whose body says why: a message, the HTTP status, an appCode, no stack, no internals. */
function checkRefusal(label: string, res: CallResult, zod: boolean, checkLeaks: boolean): void {
  const error = res.error;
  if (!error || typeof error.message !== 'string' || error.message.trim() === '') fail(`${label}: ${res.status} without an error message: ${res.text.slice(0, 300)}`);
  if (error.data?.httpStatus !== res.status) fail(`${label}: error.data.httpStatus ${String(error.data?.httpStatus)} differs from ${res.status}`);
  if (typeof error.data.appCode !== 'string') fail(`${label}: refusal without appCode: ${res.text.slice(0, 300)}`);
  if ('stack' in error.data) fail(`${label}: refusal carries a stack`);
  if (checkLeaks && LEAK.test(error.message)) fail(`${label}: message leaks internals: ${error.message}`);
  if (zod) {
    if (!error.data.zodError) fail(`${label}: invalid input refused without field errors: ${res.text.slice(0, 300)}`);
    if (/^\s*[[{]/.test(error.message)) fail(`${label}: message is raw JSON, not readable: ${error.message.slice(0, 200)}`);
  }
}

async function rawCall(url: string, init: RequestInit): Promise<CallResult> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: { error?: CallResult['error'] } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: the checks report it
  }
  return { status: response.status, headers: response.headers, data: undefined, error: body.error, text, cookies: [] };
}
