import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress } from './client-address';

/**
 * TRUST_PROXY read for the API's endpoint exactly as Express reads `trust proxy`: the address and
 * protocol come from the socket unless the peer is a trusted proxy. Requests come over real
 * sockets from distinct loopback addresses (127.0.0.2 plays the proxy), so "who is the peer" is real.
 */
let server: Server;
let port: number;
let settings: false | number | string = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    const address = clientAddress(settings);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ ip: address.ip(req), protocol: address.protocol(req) }));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((closed) => server.close(closed));
});

/** What the server reads for a request from `from` carrying `headers`, under TRUST_PROXY=`trustProxy`. */
function seen(trustProxy: false | number | string, from: string, headers: Record<string, string> = {}) {
  settings = trustProxy;
  return new Promise<{ ip: string; protocol: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, localAddress: from, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve(JSON.parse(text) as { ip: string; protocol: string }));
    });
    req.on('error', reject);
    req.end();
  });
}

const forwarded = { 'x-forwarded-for': '198.51.100.9, 203.0.113.7', 'x-forwarded-proto': 'https' };

describe('clientAddress', () => {
  it('without TRUST_PROXY: the socket peer and http, whatever X-Forwarded-* claim', async () => {
    expect(await seen(false, '127.0.0.2', forwarded)).toEqual({ ip: '127.0.0.2', protocol: 'http' });
  });

  it('a hop count of 1: the right-most X-Forwarded-For entry (what the one proxy appended) and its protocol', async () => {
    expect(await seen(1, '127.0.0.2', forwarded)).toEqual({ ip: '203.0.113.7', protocol: 'https' });
  });

  it('a hop count of 2 goes one entry further left; a client cannot push it past the hops trusted', async () => {
    expect(await seen(2, '127.0.0.2', forwarded)).toEqual({ ip: '198.51.100.9', protocol: 'https' });
    expect(await seen(2, '127.0.0.2', { 'x-forwarded-for': '203.0.113.7' })).toEqual({ ip: '203.0.113.7', protocol: 'http' });
  });

  it('a list of addresses and subnets: believed only from a peer inside them', async () => {
    expect(await seen('127.0.0.2/32, 10.0.0.0/8', '127.0.0.2', forwarded)).toEqual({ ip: '203.0.113.7', protocol: 'https' });
    expect(await seen('127.0.0.2/32, 10.0.0.0/8', '127.0.0.3', forwarded)).toEqual({ ip: '127.0.0.3', protocol: 'http' });
  });

  it('a trusted chain is followed only through trusted hops: an untrusted entry in the middle is the client', async () => {
    const chain = { 'x-forwarded-for': '198.51.100.9, 203.0.113.7, 10.1.2.3' };
    expect((await seen('127.0.0.2, 10.0.0.0/8', '127.0.0.2', chain)).ip).toBe('203.0.113.7');
  });

  it('X-Forwarded-Proto: only its first value counts, and an empty one falls back to the socket', async () => {
    expect((await seen(1, '127.0.0.2', { 'x-forwarded-proto': 'https, http' })).protocol).toBe('https');
    expect((await seen(1, '127.0.0.2', { 'x-forwarded-proto': '' })).protocol).toBe('http');
  });
});
