import type { Migration } from 'kysely';
import * as initial from './2026_11_29_120000_initial';
import * as rateLimitsUnlogged from './2026_11_29_180000_rate_limits_unlogged';
import * as peopleSearchFold from './2026_11_30_230000_people_search_fold';
import * as emailVerifiedAt from './2026_12_01_090000_email_verified_at';
import * as sessionChangeNotifications from './2026_12_01_100000_session_change_notifications';
import * as accountTokens from './2026_12_01_120000_account_tokens';
import * as mailOutbox from './2026_12_01_120100_mail_outbox';
import * as authEvents from './2026_12_01_130000_auth_events';

/**
 * Every migration, by name. A static list (not a folder scan) so the bundled server
 * carries its migrations with it.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_29_120000_initial': initial,
  '2026_11_29_180000_rate_limits_unlogged': rateLimitsUnlogged,
  '2026_11_30_230000_people_search_fold': peopleSearchFold,
  '2026_12_01_090000_email_verified_at': emailVerifiedAt,
  '2026_12_01_100000_session_change_notifications': sessionChangeNotifications,
  '2026_12_01_120000_account_tokens': accountTokens,
  '2026_12_01_120100_mail_outbox': mailOutbox,
  '2026_12_01_130000_auth_events': authEvents,
};
