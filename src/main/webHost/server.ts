/**
 * The web host: serves the built renderer to a plain browser on loopback and forwards the IPC contract
 * over HTTP to the same dispatcher Electron's IPC uses. It exists because the Electron binary cannot be
 * downloaded on our machines: tests drive the real renderer in Debian's Chromium through it, and people
 * without Electron run the app through it.
 *
 * Safety (docs/desktop.md §Browser mode, docs/threat-model.md §Browser mode):
 * - binds to 127.0.0.1 only, and answers only requests whose Host header names this host on loopback
 *   (`127.0.0.1`, `localhost` or `[::1]` with its port): a DNS-rebinding page gets `web_host_forbidden_host`;
 * - the link it issues (`/?session=<token>`) is single-use: the first request carrying the token spends
 *   it and gets a session cookie (a fresh random value; HttpOnly, SameSite=Strict, Path=/, named after the
 *   port), the page is redirected to `/` so the token leaves the address bar, and a second use of the same
 *   link is refused with a sentence saying so (`web_host_link_used`). Tokens and cookies are compared in
 *   constant time. Every IPC call and the event stream need the cookie and, when the browser sends one, an
 *   Origin equal to the host's own; the page's JavaScript never holds a credential;
 * - bodies are capped; every response carries the renderer's CSP (src/main/security/csp.ts, built from
 *   the transport origin the caller names — the loopback relay by default) and `Referrer-Policy: no-referrer`.
 *   Static files follow the same path rule as the app:// scheme (src/main/security/appProtocol.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../common/errors';
import { pageAroundFirstPaint } from '../../common/view/firstPaint';
import { listen } from '../../node/net/listen';
import type { FirstPaintSource } from '../desktop/firstPaintSource';
import type { Dispatch } from '../ipc/dispatch';
import type { EventHub } from '../ipc/eventHub';
import type { Logger } from '../log/logger';
import { AppRequestRefusedError, resolveRendererPath } from '../security/appProtocol';
import { buildCsp, type CspTransport } from '../security/csp';

export interface WebHostOptions {
  dispatch: Dispatch;
  /** Main→renderer events, streamed to the page as server-sent events. */
  events?: EventHub;
  /** Folder with the built renderer (out/renderer). */
  rendererDir: string;
  /** The built web bridge script (out/web/bridge.js). */
  bridgeFile: string;
  port?: number;
  /** The transport origin the renderer connects to (CSP connect-src); default: the relay on any loopback port. */
  transport?: CspTransport;
  /** Where request failures are logged (never bodies, tokens or cookies). */
  log?: Logger;
  /** Called once each time a link is spent (its token exchanged for a session cookie). */
  onLinkUsed?: () => void;
  /** The kept list drawn into the page for a page that holds a session (docs/desktop.md "Start"); none without it. */
  firstPaint?: FirstPaintSource;
}

export interface WebHost {
  /** The single-use link to open: the first request carrying its token spends it for a session cookie. */
  url: string;
  /**
   * Another single-use link with its own session, for in-process callers that open several browser
   * contexts on one host (tests, the benchmark). `npm run web` issues only `url`.
   */
  newLink(): string;
  origin: string;
  close(): Promise<void>;
}

export type WebHostRefusalCode = 'web_host_forbidden_host' | 'web_host_link_used' | 'web_host_link_unknown';

/** A request the web host refuses before it reaches the app; the code goes to the log, the message to the page. */
export class WebHostRefusal extends AppError {
  constructor(
    code: WebHostRefusalCode,
    message: string,
    readonly status: number,
  ) {
    super(code, message, code === 'web_host_forbidden_host' ? 'permission' : 'auth');
  }
}

/** The sentence a person sees when they open a link a second time. */
export const LINK_USED_SENTENCE = 'This link was already used. Start the app again to get a new one.';
const LINK_UNKNOWN_SENTENCE = 'This link is not one this app gave out. Open the link the app printed when it started.';
const HOST_SENTENCE = 'This address is not allowed. Open the app through 127.0.0.1 or localhost.';

const MAX_BODY = 1024 * 1024;
const HTML = 'text/html; charset=utf-8';

/** Throws `CspOriginError` when `transport` names an origin the CSP cannot express. */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const links: { token: Buffer; used: boolean }[] = [];
  const sessions: Buffer[] = [];
  const csp = buildCsp(opts.transport ?? { kind: 'loopback' });
  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) =>
    sendWithCsp(res, csp, status, type, body, extra);
  const json = (res: ServerResponse, status: number, value: unknown) => send(res, status, 'application/json', JSON.stringify(value));
  let origin = '';
  let port = 0;
  let cookieName = '';
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      opts.log?.error('web_host_request_failed', {}, e);
      if (!res.headersSent) json(res, 500, { error: 'internal' });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split(/[?#]/)[0] ?? '/';
    const isApi = path.startsWith('/__seed/ipc/') || path === '/__seed/events';
    const host = allowedHost(req.headers.host);
    if (host === null) return refusal(res, new WebHostRefusal('web_host_forbidden_host', HOST_SENTENCE, 421), isApi);
    if (path.startsWith('/__seed/ipc/')) return ipc(req, res, host, decodeChannel(path.slice('/__seed/ipc/'.length)));
    if (path === '/__seed/events') return eventStream(req, res, host);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed');
    if (path === '/__seed/bridge.js') return file(res, opts.bridgeFile, 'text/javascript; charset=utf-8');
    if (path === '/' || path === '/index.html') {
      const presented = new URL(req.url ?? '/', origin).searchParams.get('session');
      if (presented === null) return index(req, res);
      // Only a real page load spends the link; a HEAD (a link checker, a preview) leaves it unused.
      return req.method === 'GET' ? exchange(res, presented) : send(res, 405, 'text/plain', 'method not allowed');
    }
    try {
      const target = resolveRendererPath(path, opts.rendererDir);
      return file(res, target.path, target.contentType, { 'cache-control': target.cacheControl });
    } catch (e) {
      if (!(e instanceof AppRequestRefusedError)) throw e;
      return send(res, e.status, 'text/plain', e.code);
    }
  }

  /** `host:port` when the Host header names this server on loopback; null for anything else (DNS rebinding). */
  function allowedHost(header: string | undefined): string | null {
    const host = (header ?? '').toLowerCase();
    return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host) ? host : null;
  }

  function refusal(res: ServerResponse, e: WebHostRefusal, asJson: boolean): void {
    opts.log?.warn('web_host_refused', { code: e.code });
    if (asJson) return json(res, e.status, { ok: false, error: { code: e.code, message: e.message } });
    send(res, e.status, HTML, page(e.message, e.code));
  }

  /** Spends a link's token: a fresh session cookie and a redirect to `/`, or the sentence why not. */
  function exchange(res: ServerResponse, presentedToken: string): void {
    const presented = Buffer.from(presentedToken);
    let match: { token: Buffer; used: boolean } | undefined;
    for (const link of links) if (presented.length === link.token.length && timingSafeEqual(presented, link.token)) match = link;
    if (match === undefined) return refusal(res, new WebHostRefusal('web_host_link_unknown', LINK_UNKNOWN_SENTENCE, 403), false);
    if (match.used) return refusal(res, new WebHostRefusal('web_host_link_used', LINK_USED_SENTENCE, 403), false);
    match.used = true;
    const session = randomBytes(32).toString('base64url');
    sessions.push(Buffer.from(session));
    opts.log?.info('web_host_link_used', {});
    opts.onLinkUsed?.();
    send(res, 303, 'text/plain', 'see /', { location: '/', 'set-cookie': `${cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/` });
  }

  /** Whether the request carries the cookie of a spent link. */
  function hasSession(req: IncomingMessage): boolean {
    const presented = Buffer.from(cookieValue(req.headers.cookie, cookieName) ?? '');
    let valid = false;
    for (const session of sessions) if (presented.length === session.length && timingSafeEqual(presented, session)) valid = true;
    return valid;
  }

  /** True when the request was refused (and the refusal sent); false when the caller may proceed. */
  function refuse(req: IncomingMessage, res: ServerResponse, host: string): boolean {
    if (!hasSession(req)) {
      json(res, 401, { ok: false, error: { code: 'forbidden_sender', message: 'missing or wrong session token' } });
      return true;
    }
    if (req.headers.origin !== undefined && req.headers.origin !== `http://${host}`) {
      json(res, 403, { ok: false, error: { code: 'forbidden_sender', message: 'foreign origin' } });
      return true;
    }
    return false;
  }

  function eventStream(req: IncomingMessage, res: ServerResponse, host: string): void {
    if (refuse(req, res, host)) return;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.write(': connected\n\n');
    const detach = opts.events?.attach((message) => res.write(`data: ${JSON.stringify(message)}\n\n`));
    req.on('close', () => detach?.());
  }

  async function ipc(req: IncomingMessage, res: ServerResponse, host: string, method: string): Promise<void> {
    if (req.method !== 'POST') return json(res, 405, { ok: false, error: { code: 'method_not_allowed', message: 'POST only' } });
    if (refuse(req, res, host)) return;
    const body = await readBody(req);
    if (body === null) return json(res, 413, { ok: false, error: { code: 'too_large', message: 'body over 1 MiB' } });
    let args: unknown;
    try {
      args = (JSON.parse(body) as { args?: unknown }).args;
    } catch {
      return json(res, 400, { ok: false, error: { code: 'invalid_arguments', message: 'body is not JSON' } });
    }
    return json(res, 200, await opts.dispatch(method, args));
  }

  async function index(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const html = (await readFile(join(opts.rendererDir, 'index.html'), 'utf8')).replace('<head>', '<head>\n    <script src="/__seed/bridge.js"></script>');
    // Only a page that holds a session gets the kept list: the names are for the person signed in here.
    const around = opts.firstPaint !== undefined && req.method === 'GET' && hasSession(req) ? pageAroundFirstPaint(html) : null;
    if (around === null || opts.firstPaint === undefined) return send(res, 200, HTML, html);
    // The head goes at once (the browser fetches the renderer meanwhile); the list follows when main has it.
    res.writeHead(200, cspHeaders(csp, HTML, {}));
    res.write(around.before);
    res.end((await opts.firstPaint()) + around.after);
  }

  async function file(res: ServerResponse, path: string, contentType: string, extra: Record<string, string> = {}): Promise<void> {
    try {
      if (!(await stat(path)).isFile()) throw new AppRequestRefusedError('not_found', 'not a file');
      send(res, 200, contentType, await readFile(path), extra);
    } catch {
      send(res, 404, 'text/plain', 'not found');
    }
  }

  function newLink(): string {
    const token = randomBytes(24).toString('base64url');
    links.push({ token: Buffer.from(token), used: false });
    return `${origin}/?session=${token}`;
  }

  const address = await listen(server, { port: opts.port });
  origin = address.url;
  port = address.port;
  cookieName = `seed_session_${port}`;
  return { url: newLink(), newLink, origin, close: () => closeServer(server) };
}

/** The value of cookie `name` in a Cookie header, or null. */
function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** A minimal page with one sentence for the person; the code is for whoever reads the log or the markup. */
function page(sentence: string, code: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Seed Messenger</title></head><body><p role="alert" data-code="${code}">${sentence}</p></body></html>`;
}

function cspHeaders(csp: string, type: string, extra: Record<string, string>): Record<string, string> {
  return {
    'content-type': type,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    ...extra,
  };
}

function sendWithCsp(res: ServerResponse, csp: string, status: number, type: string, body: string | Buffer, extra: Record<string, string>): void {
  res.writeHead(status, cspHeaders(csp, type, extra));
  res.end(body);
}

/** The method name from the URL; malformed percent-encoding yields a name no method has (answered `unknown_method`). */
function decodeChannel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        chunks.length = 0;
        resolve(null);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
