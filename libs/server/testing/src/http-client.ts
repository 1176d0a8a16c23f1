import { AUTH_COOKIES, REFRESH_COOKIE_CALLS } from '@app/contracts';

/** tRPC's error body for a single (unbatched) call. */
export interface TrpcErrorBody {
  message: string;
  code: number;
  data: {
    code: string;
    httpStatus: number;
    path?: string;
    appCode?: string;
    zodError?: { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> } | null;
  };
}

export interface CallResult<T = unknown> {
  status: number;
  headers: Headers;
  /** `result.data` of a successful call. */
  data: T;
  error: TrpcErrorBody | undefined;
  /** The raw response text. */
  text: string;
  cookies: SetCookie[];
}

export interface SetCookie {
  name: string;
  value: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: string | undefined;
  path: string | undefined;
  maxAge: number | undefined;
  expires: string | undefined;
}

export interface CallOptions {
  /** `Authorization: Bearer …` */
  token?: string;
  /** Sent as the Cookie header. */
  cookie?: string;
  headers?: Record<string, string>;
}

export function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
  const eq = pair.indexOf('=');
  const cookie: SetCookie = {
    name: pair.slice(0, eq),
    value: decodeURIComponent(pair.slice(eq + 1)),
    httpOnly: false,
    secure: false,
    sameSite: undefined,
    path: undefined,
    maxAge: undefined,
    expires: undefined,
  };
  for (const attribute of attributes) {
    const [key = '', value] = attribute.split('=');
    switch (key.toLowerCase()) {
      case 'httponly':
        cookie.httpOnly = true;
        break;
      case 'secure':
        cookie.secure = true;
        break;
      case 'samesite':
        cookie.sameSite = value;
        break;
      case 'path':
        cookie.path = value;
        break;
      case 'max-age':
        cookie.maxAge = Number(value);
        break;
      case 'expires':
        cookie.expires = value;
        break;
    }
  }
  return cookie;
}

async function send<T>(url: string, init: RequestInit): Promise<CallResult<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: { result?: { data?: T }; error?: TrpcErrorBody } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: callers assert on status/text
  }
  return {
    status: response.status,
    headers: response.headers,
    data: body.result?.data as T,
    error: body.error,
    text,
    cookies: response.headers.getSetCookie().map(parseSetCookie),
  };
}

function headersFor(options: CallOptions): Record<string, string> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  if (options.cookie !== undefined) headers['cookie'] = options.cookie;
  return headers;
}

/** A tRPC query over HTTP GET, as `httpLink` sends it. */
export function trpcQuery<T = unknown>(baseUrl: string, path: string, input?: unknown, options: CallOptions = {}) {
  const search = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return send<T>(`${baseUrl}/trpc/${path}${search}`, { method: 'GET', headers: headersFor(options) });
}

/** A tRPC mutation over HTTP POST with a JSON body. */
export function trpcMutation<T = unknown>(baseUrl: string, path: string, input?: unknown, options: CallOptions = {}) {
  return send<T>(`${baseUrl}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headersFor(options) },
    body: input === undefined ? undefined : JSON.stringify(input),
  });
}

/**
 * Where the web app sends a call: the calls that use the refresh cookie go under its path
 * (`session/auth.refresh`, `session/auth.logout`), every other call to its own path.
 */
export function browserCallPath(path: string): string {
  return REFRESH_COOKIE_CALLS.has(path) ? `${AUTH_COOKIES.refreshPath.slice('/trpc/'.length)}/${path}` : path;
}

/**
 * Behaves like a same-origin browser tab: keeps cookies (honouring their Path), sends `Origin`
 * and `Sec-Fetch-Site: same-origin`, and sends each call where the web app does (browserCallPath).
 */
export class BrowserLikeClient {
  private readonly jar = new Map<string, SetCookie>();

  constructor(
    readonly baseUrl: string,
    private readonly origin: string = baseUrl,
  ) {}

  cookie(name: string): SetCookie | undefined {
    return this.jar.get(name);
  }

  setCookieValue(name: string, value: string, path = '/'): void {
    const existing = this.jar.get(name);
    this.jar.set(name, { ...(existing ?? parseSetCookie(`${name}=`)), value, path: existing?.path ?? path });
  }

  query<T = unknown>(path: string, input?: unknown, headers: Record<string, string> = {}) {
    return this.track(trpcQuery<T>(this.baseUrl, path, input, this.options(`/trpc/${path}`, headers)));
  }

  mutation<T = unknown>(path: string, input?: unknown, headers: Record<string, string> = {}) {
    const callPath = browserCallPath(path);
    return this.track(trpcMutation<T>(this.baseUrl, callPath, input, this.options(`/trpc/${callPath}`, headers)));
  }

  private options(requestPath: string, headers: Record<string, string>): CallOptions {
    const cookie = [...this.jar.values()]
      .filter((c) => c.value !== '' && requestPath.startsWith(c.path ?? '/'))
      .map((c) => `${c.name}=${encodeURIComponent(c.value)}`)
      .join('; ');
    return {
      cookie: cookie || undefined,
      headers: { origin: this.origin, 'sec-fetch-site': 'same-origin', 'user-agent': 'BrowserLikeClient/1.0', ...headers },
    };
  }

  private async track<T>(pending: Promise<CallResult<T>>): Promise<CallResult<T>> {
    const result = await pending;
    for (const cookie of result.cookies) {
      const expired = cookie.maxAge !== undefined ? cookie.maxAge <= 0 : cookie.expires !== undefined && Date.parse(cookie.expires) <= Date.now();
      if (expired || cookie.value === '') this.jar.delete(cookie.name);
      else this.jar.set(cookie.name, cookie);
    }
    return result;
  }
}
