import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseStoredSession, type StoredSession, type TokenStore } from './token-store';

export interface FileTokenStoreOptions {
  /** The JSON file, e.g. `~/.config/authstack/session.json`. */
  path: string;
  /**
   * Ties the stored session to one server (its URL, say): a session saved for another scope reads
   * as "none" and is left alone by `clear`, so pointing a tool at a second server does not wipe
   * or misuse the first one's session.
   */
  scope?: string;
}

interface SessionFile {
  version: 1;
  scope: string | null;
  session: StoredSession;
}

/**
 * Keeps the session in a file readable only by its owner (0600, in a 0700 directory when it
 * creates one). Every write goes to a temporary file in the same directory, is flushed, then
 * renamed over the old file, so a reader (or a crash) never sees half a file.
 * Node only; import it from `@app/api-client/node`.
 * @see TokenStore
 * @see https://nodejs.org/api/fs.html#fspromisesrenameoldpath-newpath
 */
export class FileTokenStore implements TokenStore {
  readonly path: string;
  private readonly scope: string | null;

  constructor(options: FileTokenStoreOptions) {
    this.path = options.path;
    this.scope = options.scope ?? null;
  }

  async load(): Promise<StoredSession | null> {
    const file = await this.read();
    if (!file || !this.matches(file)) return null;
    return file.session;
  }

  async save(session: StoredSession): Promise<void> {
    const content: SessionFile = { version: 1, scope: this.scope, session };
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = join(dirname(this.path), `.${randomBytes(6).toString('hex')}.tmp`);
    // 0600 from the start (the mode applies at creation, before any byte is written); `wx` refuses
    // to follow a planted file or link.
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async clear(): Promise<void> {
    const file = await this.read();
    if (file && !this.matches(file)) return;
    await rm(this.path, { force: true });
  }

  private matches(file: SessionFile): boolean {
    return this.scope === null || file.scope === this.scope;
  }

  /** The file's content, or null when it is missing or not a session file. */
  private async read(): Promise<SessionFile | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return null;
    }
    if (typeof json !== 'object' || json === null) return null;
    const { version, scope, session } = json as Partial<Record<keyof SessionFile, unknown>>;
    const parsed = parseStoredSession(session);
    if (version !== 1 || !parsed) return null;
    return { version: 1, scope: typeof scope === 'string' ? scope : null, session: parsed };
  }
}
