export { databaseLocation, type Env, EnvError, loadEnv, toServerConfig, wantsDemoSeed } from './env';
export {
  DEFAULT_AUDIENCE,
  DEFAULT_AUTH_EVENT_RETENTION_MS,
  DEFAULT_ISSUER,
  DEFAULT_MAIL_FROM,
  DEFAULT_MAIL_TIMING,
  type MailConfig,
  type RateLimitConfig,
  type RateLimitRule,
  type ServerConfig,
} from './server-config';
