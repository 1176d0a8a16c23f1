// A second floor: tRPC's own Node adapter (its standalone server, `nodeHTTPRequestHandler` under
// it) answering the same constant query with no Express in front. The API's `/trpc` endpoint
// runs on this adapter too, so this is what tRPC alone costs per call on this Node.
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';

const data = JSON.parse(process.env.CEILING_BODY ?? '{"result":{"data":null}}').result.data;
const t = initTRPC.create();
const router = t.router({ me: t.procedure.query(() => data) });

const server = createHTTPServer({ router, basePath: '/trpc/' });
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
