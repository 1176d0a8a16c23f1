export { databaseLocation, type Env, EnvError, loadEnv, toServerConfig } from './env';
export {
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  DEFAULT_RATE_LIMITS,
  type RateLimitConfig,
  type RateLimitRule,
  type ServerConfig,
} from './server-config';
