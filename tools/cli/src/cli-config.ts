import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './cli-errors';

export const DEFAULT_URL = 'http://localhost:3000';
const PROJECT_NAME = 'authstack';

/** Which server and which token file the CLI uses. */
export interface CliConfig {
  /** The server's base URL, normalised (no trailing slash). */
  url: string;
  tokenFile: string;
}

/**
 * `--url`, else `API_URL`, else http://localhost:3000. The token file is `API_TOKEN_FILE`, else
 * `$XDG_CONFIG_HOME/authstack/session.json`, else `~/.config/authstack/session.json`.
 * @see https://specifications.freedesktop.org/basedir-spec/latest/
 */
export function resolveConfig(flags: { url?: string }, env: NodeJS.ProcessEnv): CliConfig {
  const raw = flags.url ?? (env['API_URL']?.trim() || DEFAULT_URL);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new UsageError(`"${raw}" is not a URL (expected something like ${DEFAULT_URL})`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`The server URL must be http:// or https://, not "${raw}"`);
  parsed.search = '';
  parsed.hash = '';
  const url = parsed.toString().replace(/\/+$/, '');
  const configHome = env['XDG_CONFIG_HOME']?.trim() || join(homedir(), '.config');
  const tokenFile = env['API_TOKEN_FILE']?.trim() || join(configHome, PROJECT_NAME, 'session.json');
  return { url, tokenFile };
}
