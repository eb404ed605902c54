/**
 * The HTTP front of the key service and the key manager (docs/api.md "Conventions"): JSON only, every
 * input parsed by its route's table schemas before the handler runs, and every failure answered as
 * `{error:{code,message}}` with its typed status. An error that is not typed is a bug: it is logged
 * and answered 500 without detail. With `validateResponses` (tests) every answer is checked against the
 * route's table entry: a success against its response schema, a refusal against the codes it declares.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { answersError } from '../../common/api/errorAnswers';
import type { AuthLevel } from '../../common/api/route';
import { readJsonBody } from './body';
import { clientAddress, TrustedProxies } from './clientAddress';
import { BadRequest, Forbidden, HttpError, TooManyRequests, Unauthorized } from './httpErrors';
import { JsonText } from './jsonText';
import type { RateLimiter } from './rateLimit';
import type { Route, UserPrincipal } from './route';
import type { Router } from './router';

export interface HttpDeps {
  readonly router: Router;
  readonly bodyLimit: number;
  readonly ipLimiter: RateLimiter;
  /**
   * Proxies whose `X-Forwarded-For` names the client (clientAddress.ts); without them the socket peer is the
   * client and the header is ignored.
   */
  readonly trustedProxies?: TrustedProxies;
  /** Verifies a bearer token and that its session (and device) is live; throws Unauthorized. */
  readonly authenticate: (token: string) => Promise<UserPrincipal>;
  /**
   * Verifies a bearer token only, for routes whose handler checks the session itself (`sessionCheck:
   * 'handler'`); without it those routes are authenticated fully, like every other route.
   */
  readonly verifyToken?: (token: string) => Promise<UserPrincipal>;
  readonly onBug: (err: unknown) => void;
  /**
   * Parse every response with its route's schema and check every refusal against the codes its table entry
   * declares (tests turn this on to catch drift; costs CPU). A refusal outside them is reported here and
   * answered as it is.
   */
  readonly validateResponses: boolean;
  /** Where an answer outside the route's table entry is reported; default `onBug`. */
  readonly onContractBreach?: (err: Error) => void;
}

function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const headers: Record<string, string> = {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...extra,
  };
  if (status === 204) {
    res.writeHead(204, headers).end();
    return;
  }
  const text = body instanceof JsonText ? body.text : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function describeZod(where: string, err: z.ZodError): string {
  const issue = err.issues[0];
  if (!issue) return `invalid ${where}`;
  const path = issue.path.map(String).join('.');
  return `invalid ${where}${path ? ` field '${path}'` : ''}: ${issue.message}`.slice(0, 300);
}

function parse(schema: z.ZodType | undefined, value: unknown, where: 'params' | 'query' | 'body'): unknown {
  if (!schema) {
    if (where === 'body' && value !== undefined) throw new BadRequest('this endpoint takes no request body');
    return where === 'body' ? undefined : {};
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new BadRequest(describeZod(where, result.error), `invalid_${where}`);
  return result.data;
}

function requestUrl(target: string): URL {
  try {
    return new URL(target, 'http://localhost');
  } catch {
    throw new BadRequest('malformed request target', 'bad_path');
  }
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
  if (!m?.[1]) throw new Unauthorized('malformed Authorization header', 'bad_authorization');
  return m[1];
}

async function principalFor(route: Route, req: IncomingMessage, deps: HttpDeps): Promise<UserPrincipal | null> {
  const auth: AuthLevel = route.spec.auth;
  const token = bearer(req);
  if (auth === 'public') return token ? deps.authenticate(token).catch(() => null) : null;
  if (!token) throw new Unauthorized();
  const verify = auth === 'device' && route.sessionCheck === 'handler' && deps.verifyToken ? deps.verifyToken : deps.authenticate;
  const principal = await verify(token);
  if (auth === 'device' && principal.deviceId === null) {
    throw new Forbidden(
      'this endpoint needs a device-bound session: sign in on a device, which proves its key (docs/api.md "Sessions")',
      'device_session_required',
    );
  }
  return principal;
}

async function handle(route: Route, params: Record<string, string>, url: URL, req: IncomingMessage, deps: HttpDeps): Promise<unknown> {
  const ip = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], deps.trustedProxies ?? NO_PROXIES);
  if (route.rateLimited) deps.ipLimiter.hit(`ip:${ip}`);
  const principal = await principalFor(route, req, deps);
  const body =
    route.spec.body || req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH'
      ? await readJsonBody(req, route.spec.bodyLimitBytes ?? deps.bodyLimit)
      : undefined;
  const input = {
    principal,
    params: parse(route.spec.params, params, 'params'),
    query: parse(route.spec.query, Object.fromEntries(url.searchParams), 'query'),
    body: parse(route.spec.body, body, 'body'),
    request: { ip, userAgent: String(req.headers['user-agent'] ?? '').slice(0, 200) },
  };
  return route.handler(input);
}

const NO_PROXIES = new TrustedProxies();

/** The result checked against the route's response schema (tests); JSON text is checked and sent as it is. */
function validated(route: Route, result: unknown): unknown {
  if (!(result instanceof JsonText)) return route.spec.response.parse(result);
  route.spec.response.parse(JSON.parse(result.text));
  return result;
}

/** A refusal the route's table entry does not declare (src/common/api/errorAnswers.ts). */
export class UndeclaredAnswer extends Error {
  constructor(route: Route, err: HttpError) {
    super(`${route.spec.method} ${route.path} (${route.name}) answered ${err.status} ${err.code}, which its table entry does not declare`);
  }
}

/** Builds the request listener for `http.createServer`. */
export function createListener(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      let matched: Route | undefined;
      try {
        const url = requestUrl(req.url ?? '/');
        const { route, params } = deps.router.match(req.method ?? 'GET', url.pathname);
        matched = route;
        const result = await handle(route, params, url, req, deps);
        const status = route.spec.status ?? 200;
        send(res, status, status === 204 ? undefined : deps.validateResponses ? validated(route, result) : result);
      } catch (err) {
        if (err instanceof HttpError) {
          if (deps.validateResponses && matched && !answersError(matched.spec, err.status, err.code))
            (deps.onContractBreach ?? deps.onBug)(new UndeclaredAnswer(matched, err));
          const extra: Record<string, string> = err instanceof TooManyRequests ? { 'retry-after': String(err.retryAfterSeconds) } : {};
          if (err.status === 413) extra.connection = 'close';
          const retryAfter = err instanceof TooManyRequests ? { retryAfter: err.retryAfterSeconds } : {};
          send(res, err.status, { error: { code: err.code, message: err.message, ...retryAfter } }, extra);
          if (err.status === 413) req.resume();
        } else {
          deps.onBug(err);
          send(res, 500, { error: { code: 'internal', message: 'internal error' } });
        }
      }
    })();
  };
}
