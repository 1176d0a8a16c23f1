import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that a test can cut and restore, to simulate the database
 * going away without touching the shared server: `cut()` destroys every proxied connection and
 * stops listening (new connections are refused), `restore()` listens again on the same port.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private accepted = 0;

  private constructor(
    private readonly target: { host: string; port: number },
    public port: number,
  ) {}

  /** Starts listening on 127.0.0.1 (an ephemeral port unless given). */
  static async start(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
    const proxy = new TcpProxy(target, port);
    await proxy.listen();
    return proxy;
  }

  /** A proxy whose port is reserved but which is not listening yet (the database "is down"). */
  static async closed(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = await TcpProxy.start(target);
    await proxy.cut();
    return proxy;
  }

  /** Connections accepted so far. */
  get connections(): number {
    return this.accepted;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      this.accepted += 1;
      const upstream = createConnection(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    return new Promise((resolvePromise, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        this.port = (server.address() as { port: number }).port;
        this.server = server;
        resolvePromise();
      });
    });
  }

  /** The database "goes away": live connections drop, new ones are refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
  }

  /** The database "comes back" on the same port. */
  async restore(): Promise<void> {
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    await this.cut();
  }
}
