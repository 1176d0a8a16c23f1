// A floor for the API: Express and tRPC's Express adapter answering a query with the same JSON
// as `auth.me` (CEILING_BODY's result.data), with no middleware, auth or database. The gap
// between this and the bare node:http ceiling is the frameworks' own cost.
import { initTRPC } from '@trpc/server';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express from 'express';

const data = JSON.parse(process.env.CEILING_BODY ?? '{"result":{"data":null}}').result.data;
const t = initTRPC.create();
const router = t.router({ me: t.procedure.query(() => data) });

const app = express();
app.use('/trpc', createExpressMiddleware({ router }));
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
