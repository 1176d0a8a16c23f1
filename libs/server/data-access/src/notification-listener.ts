import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** What a subscriber to `NOTIFY` hears. */
export interface NotificationHandlers {
  /** A notification's payload. */
  onNotification(payload: string): void;
  /** Listening (again): notifications from now on will arrive. Anything sent before may have been missed. */
  onListening(): void;
  /** The listening connection is gone (or stopped answering): notifications may be missed until `onListening`. */
  onLost(error: unknown): void;
}

export interface NotificationListener {
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]*$/;

/** How often the listening connection proves it is alive, and how long it may take to answer. */
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_TIMEOUT_MS = 2_000;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

/**
 * LISTEN on a PostgreSQL connection of its own (a pooled one would be handed to other queries).
 * A connection that errors, ends, or fails a heartbeat is reported lost at once and replaced
 * with back-off; `onListening` says when notifications flow again.
 * @see https://www.postgresql.org/docs/current/sql-listen.html
 * @see https://node-postgres.com/apis/client#notification
 */
export function listenOnPostgres(url: string, channel: string, handlers: NotificationHandlers): NotificationListener {
  if (!CHANNEL.test(channel)) throw new Error(`invalid channel name "${channel}"`);
  let closed = false;
  let current: pg.Client | undefined;
  let retryMs = RETRY_MIN_MS;
  let retryTimer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  const lose = (client: pg.Client, error: unknown) => {
    if (current !== client) return; // already reported
    current = undefined;
    clearInterval(heartbeat);
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    handlers.onLost(error);
    if (!closed) {
      retryTimer = setTimeout(connect, retryMs);
      retryTimer.unref();
      retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
    }
  };

  const connect = async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, keepAlive: true, application_name: `listen:${channel}` });
    current = client;
    client.on('error', (error) => lose(client, error));
    client.on('end', () => lose(client, new Error('the listening connection ended')));
    client.on('notification', (message) => {
      if (message.channel === channel) handlers.onNotification(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`listen ${channel}`);
    } catch (error) {
      lose(client, error);
      return;
    }
    if (closed || current !== client) return;
    retryMs = RETRY_MIN_MS;
    heartbeat = setInterval(() => {
      client.query({ text: 'select 1', query_timeout: HEARTBEAT_TIMEOUT_MS } as pg.QueryConfig).catch((error: unknown) => lose(client, error));
    }, HEARTBEAT_MS);
    heartbeat.unref();
    handlers.onListening();
  };

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(heartbeat);
      const client = current;
      current = undefined;
      await client?.end().catch(() => undefined);
    },
  };
}

/** LISTEN on the embedded database: in process, so it cannot be lost. */
export async function listenOnPglite(pglite: PGlite, channel: string, handlers: NotificationHandlers): Promise<NotificationListener> {
  if (!CHANNEL.test(channel)) throw new Error(`invalid channel name "${channel}"`);
  const unlisten = await pglite.listen(channel, (payload) => handlers.onNotification(payload));
  handlers.onListening();
  return {
    async close() {
      await unlisten().catch(() => undefined);
    },
  };
}
