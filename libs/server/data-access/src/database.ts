import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface UserTable {
  id: string;
  /** Always trimmed and lower-cased; unique. */
  email: string;
  password_hash: string;
  role: 'user' | 'admin';
  /** When the owner first proved the address (a verification or reset link); null until then. */
  email_verified_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One row per login per device: a refresh-token family. */
export interface SessionTable {
  id: string;
  user_id: string;
  /** SHA-256 (hex) of the current refresh token's secret. */
  token_hash: string;
  /** SHA-256 (hex) of the token it replaced, honoured for the grace window after `rotated_at`. */
  prev_token_hash: string | null;
  rotated_at: Date | null;
  /** How many times the token was rotated; travels (tagged) in the token, so a genuine older token is recognised at once. */
  generation: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  last_used_at: Timestamp;
  /** Absolute expiry, fixed at login; rotation never extends it. */
  expires_at: Date;
  revoked_at: Date | null;
  user_agent: string | null;
  ip: string | null;
}

export interface PersonTable {
  id: Generated<number>;
  first_name: string;
  last_name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RateLimitTable {
  key: string;
  count: number;
  reset_at: Date;
}

export type AccountTokenPurpose = 'password_reset' | 'email_verification';

/** A password reset or email verification link: only the SHA-256 (hex) of its token is stored. */
export interface AccountTokenTable {
  token_hash: string;
  user_id: string;
  purpose: AccountTokenPurpose;
  created_at: Timestamp;
  expires_at: Date;
  used_at: Date | null;
  /** Set when a newer link of the same purpose was issued for the user. */
  replaced_at: Date | null;
}

/** A mail waiting to be sent (or sent: then the body and link are cleared). */
export interface MailOutboxTable {
  id: string;
  kind: string;
  recipient: string;
  subject: string;
  text_body: string | null;
  html_body: string | null;
  link: string | null;
  created_at: Timestamp;
  /** Due from then on: now for a new mail, the lease's end while claimed, the back-off's end after a failure. */
  available_at: Timestamp;
  attempts: ColumnType<number, number | undefined, number>;
  claim_id: string | null;
  last_error: string | null;
  sent_at: Date | null;
}

/** What happened to an account; see the auth-events repository. */
export interface AuthEventTable {
  /** bigint identity, read as text (it may exceed 2^53). */
  id: Generated<string>;
  user_id: string;
  type: string;
  created_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  detail: ColumnType<AuthEventDetailJson, string, string>;
}

/** The event's facts by type (never a password or a token). */
export type AuthEventDetailJson = Record<string, string | number | boolean | null>;

export interface Database {
  users: UserTable;
  sessions: SessionTable;
  people: PersonTable;
  rate_limits: RateLimitTable;
  account_tokens: AccountTokenTable;
  mail_outbox: MailOutboxTable;
  auth_events: AuthEventTable;
}

export type PersonRow = Selectable<PersonTable>;
