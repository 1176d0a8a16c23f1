export { databaseLocation, type Env, EnvError, loadEnv, toServerConfig, wantsDemoSeed } from './env';
export {
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  type RateLimitConfig,
  type RateLimitRule,
  type ServerConfig,
} from './server-config';
