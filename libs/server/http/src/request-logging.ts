import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/** An incoming `X-Request-Id` when it is safe to echo and log, else a new one. */
function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
}

/** Only what helps to trace a request: never headers (tokens, cookies), bodies or query strings. */
function describeRequest(req: { id: string; method?: string; url?: string; remoteAddress?: string }) {
  return { id: req.id, method: req.method, url: req.url?.split('?')[0], remoteAddress: req.remoteAddress };
}

/** The connect-style step every request passes first (Express routes and the API's endpoint alike). */
export type RequestStep = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** A request as request logging leaves it: its id, and pino-http's logger when it runs. */
type LoggedRequest = IncomingMessage & { id?: unknown; log?: Logger };

export interface RequestLogging {
  /** Sets the request id (`X-Request-Id`) and logs the answer (see `requestLogging`). */
  readonly step: RequestStep;
  /** A logger whose lines carry the request's id, method and path. */
  logFor(req: IncomingMessage): Logger;
}

/**
 * Request ids on every answer (`X-Request-Id`), and a logger for error lines that carry the id.
 *
 * With `info` enabled, pino-http also writes one line per request. Below `info` those lines are
 * never written, yet pino-http still builds a child logger per request, about 15% of the CPU of a
 * small authenticated call (measured with `npm run bench`). So below `info` a lean step does the
 * rest: the logger is built only when an error line asks for it, and answers of 500 and above are
 * logged at `error`, as pino-http would.
 * @see https://github.com/pinojs/pino-http#api
 */
export function requestLogging(logger: Logger): RequestLogging {
  const childFor = (req: LoggedRequest) =>
    logger.child({ req: describeRequest({ id: String(req.id), method: req.method, url: req.url, remoteAddress: req.socket.remoteAddress }) });
  const logFor = (req: LoggedRequest) => req.log ?? childFor(req);

  if (logger.isLevelEnabled('info')) {
    const step: RequestStep = pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = requestId(req);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      serializers: {
        req: describeRequest,
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    });
    return { step, logFor };
  }

  const step: RequestStep = (req: LoggedRequest, res, next) => {
    const id = requestId(req);
    const startedAt = Date.now();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    res.once('finish', () => {
      if (res.statusCode >= 500) {
        childFor(req).error({ res: { statusCode: res.statusCode }, responseTime: Date.now() - startedAt }, 'request errored');
      }
    });
    next();
  };
  return { step, logFor };
}
