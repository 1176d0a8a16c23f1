// The ceiling: a bare node:http server answering every request with the same JSON body as
// `auth.me` (given in CEILING_BODY). Nothing in the API can be faster than this on this machine.
import { createServer } from 'node:http';

const body = Buffer.from(process.env.CEILING_BODY ?? '{}');
const port = Number(process.env.PORT ?? 0);

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
