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

export interface Database {
  users: UserTable;
  sessions: SessionTable;
  people: PersonTable;
  rate_limits: RateLimitTable;
}

export type PersonRow = Selectable<PersonTable>;
