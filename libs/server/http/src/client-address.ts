import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import proxyAddr from 'proxy-addr';

/** Who is calling and over what, with X-Forwarded-* believed only from the proxies TRUST_PROXY names. */
export interface ClientAddress {
  /** The client's address: the socket's peer, or the nearest untrusted hop of X-Forwarded-For. */
  ip(req: IncomingMessage): string | null;
  /** `https` or `http` as the client used it: X-Forwarded-Proto's first value when the peer is trusted. */
  protocol(req: IncomingMessage): string;
}

/**
 * TRUST_PROXY as Express reads its `trust proxy` setting (a hop count, or addresses and subnets),
 * for the API's endpoint, which does not pass through Express. `false` trusts no proxy.
 * @see https://expressjs.com/en/guide/behind-proxies.html
 */
export function clientAddress(trustProxy: false | number | string): ClientAddress {
  const trust =
    typeof trustProxy === 'number'
      ? (_address: string, hop: number) => hop < trustProxy
      : proxyAddr.compile(trustProxy === false ? [] : trustProxy.split(',').map((part) => part.trim()));
  return {
    ip: (req) => proxyAddr(req, trust) || null,
    protocol(req) {
      const own = (req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http';
      if (!trust(req.socket.remoteAddress ?? '', 0)) return own;
      const forwarded = req.headers['x-forwarded-proto'];
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
      return first || own;
    },
  };
}
