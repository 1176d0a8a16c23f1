import type { BearerAuthResult } from '@app/contracts';
import { sleep, trpcMutation, trpcQuery } from '@app/server-testing';
import { randomUUID } from 'node:crypto';

/** One answer the load saw. */
export interface Sample {
  at: number;
  worker: number;
  op: 'signup' | 'login' | 'me' | 'list' | 'create' | 'refresh' | 'setup';
  status: number;
  appCode?: string;
  message?: string;
  retryAfter: string | null;
  /** Set when the request got no HTTP answer at all. */
  networkError?: string;
}

export interface LoadRecord {
  samples: Sample[];
  /** Every people.create sent, with its outcome. */
  creates: { firstName: string; lastName: string; status: number }[];
  /** Every signup sent, with its outcome. */
  signups: { email: string; status: number }[];
}

interface Account {
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

const OPS: Sample['op'][] = ['create', 'me', 'list', 'refresh', 'create', 'me', 'signup', 'login'];

/**
 * `workers` clients doing a mix of signup, login, me, list, create and refresh against `baseUrl()`
 * until `stop()` says so. A client keeps its refresh token when a refresh fails (as a real client
 * retries) and backs off a little after a 503. Every answer is recorded with its time.
 *
 * Each client sends its own `X-Forwarded-For` address (the API runs with TRUST_PROXY=1: the test is the one proxy in front), so
 * the per-IP rate limits see separate clients, as they would behind a load balancer.
 */
export async function runMixedLoad(baseUrl: () => string, workers: number, stop: () => boolean, tag = randomUUID().slice(0, 6)): Promise<LoadRecord> {
  const record: LoadRecord = { samples: [], creates: [], signups: [] };
  const password = `Ld#7${tag}Xy`;
  const subnet = Number.parseInt(tag.slice(0, 2), 16);
  const from = (worker: number) => ({ 'x-forwarded-for': `10.${subnet}.${Math.floor(worker / 250)}.${(worker % 250) + 1}` });

  const sample = (worker: number, op: Sample['op'], res: Awaited<ReturnType<typeof trpcQuery>> | Error): Sample => {
    const s: Sample =
      res instanceof Error
        ? { at: Date.now(), worker, op, status: 0, retryAfter: null, networkError: res.message }
        : {
            at: Date.now(),
            worker,
            op,
            status: res.status,
            appCode: res.error?.data.appCode,
            message: res.error?.message,
            retryAfter: res.headers.get('retry-after'),
          };
    record.samples.push(s);
    return s;
  };
  const settle = <T>(pending: Promise<T>): Promise<T | Error> => pending.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));

  const signup = async (worker: number, n: number): Promise<Account | undefined> => {
    const email = `load.${tag}.w${worker}.${n}@example.com`;
    const res = await settle(trpcMutation<BearerAuthResult>(baseUrl(), 'auth.signup', { email, password }, { headers: from(worker) }));
    const s = sample(worker, n === 0 ? 'setup' : 'signup', res);
    record.signups.push({ email, status: s.status });
    if (res instanceof Error || res.status !== 200) return undefined;
    return { email, password, accessToken: res.data.accessToken, refreshToken: res.data.refreshToken };
  };

  const run = async (worker: number) => {
    let n = 0;
    let account: Account | undefined;
    while (!account && !stop()) {
      account = await signup(worker, n++);
      if (!account) await sleep(100);
    }
    let i = worker;
    while (account && !stop()) {
      const op = OPS[i++ % OPS.length] as Sample['op'];
      let s: Sample;
      switch (op) {
        case 'me':
          s = sample(worker, op, await settle(trpcQuery(baseUrl(), 'auth.me', undefined, { token: account.accessToken, headers: from(worker) })));
          break;
        case 'list':
          s = sample(worker, op, await settle(trpcQuery(baseUrl(), 'people.list', { limit: 10, sort: 'newest' }, { token: account.accessToken, headers: from(worker) })));
          break;
        case 'create': {
          const names = { firstName: `W${worker}`, lastName: `${tag}-${i}` };
          s = sample(worker, op, await settle(trpcMutation(baseUrl(), 'people.create', names, { token: account.accessToken, headers: from(worker) })));
          record.creates.push({ ...names, status: s.status });
          break;
        }
        case 'refresh': {
          const res = await settle(trpcMutation<BearerAuthResult>(baseUrl(), 'auth.refresh', { refreshToken: account.refreshToken }, { headers: from(worker) }));
          s = sample(worker, op, res);
          if (!(res instanceof Error) && res.status === 200) account = { ...account, accessToken: res.data.accessToken, refreshToken: res.data.refreshToken };
          break;
        }
        case 'login': {
          const res = await settle(trpcMutation<BearerAuthResult>(baseUrl(), 'auth.login', { email: account.email, password }, { headers: from(worker) }));
          s = sample(worker, op, res);
          break;
        }
        case 'signup':
        case 'setup':
          await signup(worker, n++);
          continue;
      }
      if (s.status !== 200) await sleep(50);
    }
  };

  await Promise.all(Array.from({ length: workers }, (_, w) => run(w)));
  return record;
}
