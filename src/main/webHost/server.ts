/**
 * The web host: serves the built renderer to a plain browser on loopback and forwards the IPC contract
 * over HTTP to the same dispatcher Electron's IPC uses. It exists because the Electron binary cannot be
 * downloaded on our machines: tests drive the real renderer in Debian's Chromium through it, and people
 * without Electron run the app through it.
 *
 * Safety: binds to 127.0.0.1 only; every IPC call must carry the per-launch session token (from the
 * URL fragment the host prints) and, when the browser sends one, an Origin equal to the host's own; bodies
 * are capped; every response carries the renderer's CSP (src/main/security/csp.ts, built from the
 * transport origin the caller names — the loopback relay by default) as a header. Static files follow the
 * same path rule as the app:// scheme (src/main/security/appProtocol.ts). A web page on another origin can
 * therefore not call it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { listen } from '../../node/net/listen';
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
  /** Where request failures are logged (never bodies or tokens). */
  log?: Logger;
}

export interface WebHost {
  /** URL to open, including the session token in its fragment. */
  url: string;
  origin: string;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const HTML = 'text/html; charset=utf-8';

/** Throws `CspOriginError` when `transport` names an origin the CSP cannot express. */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = randomBytes(24).toString('base64url');
  const csp = buildCsp(opts.transport ?? { kind: 'loopback' });
  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => sendWithCsp(res, csp, status, type, body);
  const json = (res: ServerResponse, status: number, value: unknown) => send(res, status, 'application/json', JSON.stringify(value));
  let origin = '';
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      opts.log?.error('web_host_request_failed', {}, e);
      if (!res.headersSent) json(res, 500, { error: 'internal' });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split(/[?#]/)[0] ?? '/';
    if (path.startsWith('/__seed/ipc/')) return ipc(req, res, decodeChannel(path.slice('/__seed/ipc/'.length)));
    if (path === '/__seed/events') return eventStream(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed');
    if (path === '/__seed/bridge.js') return file(res, opts.bridgeFile, 'text/javascript; charset=utf-8');
    if (path === '/' || path === '/index.html') return index(res);
    try {
      const target = resolveRendererPath(path, opts.rendererDir);
      return file(res, target.path, target.contentType);
    } catch (e) {
      if (!(e instanceof AppRequestRefusedError)) throw e;
      return send(res, e.status, 'text/plain', e.code);
    }
  }

  /** True when the request was refused (and the refusal sent); false when the caller may proceed. */
  function refuse(req: IncomingMessage, res: ServerResponse, presentedToken: string): boolean {
    const presented = Buffer.from(presentedToken);
    const expected = Buffer.from(token);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      json(res, 401, { ok: false, error: { code: 'forbidden_sender', message: 'missing or wrong session token' } });
      return true;
    }
    if (req.headers.origin !== undefined && req.headers.origin !== origin) {
      json(res, 403, { ok: false, error: { code: 'forbidden_sender', message: 'foreign origin' } });
      return true;
    }
    return false;
  }

  function eventStream(req: IncomingMessage, res: ServerResponse): void {
    if (refuse(req, res, new URL(req.url ?? '/', origin).searchParams.get('session') ?? '')) return;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.write(': connected\n\n');
    const detach = opts.events?.attach((message) => res.write(`data: ${JSON.stringify(message)}\n\n`));
    req.on('close', () => detach?.());
  }

  async function ipc(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') return json(res, 405, { ok: false, error: { code: 'method_not_allowed', message: 'POST only' } });
    if (refuse(req, res, String(req.headers['x-seed-session'] ?? ''))) return;
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

  async function index(res: ServerResponse): Promise<void> {
    const html = await readFile(join(opts.rendererDir, 'index.html'), 'utf8');
    send(res, 200, HTML, html.replace('<head>', '<head>\n    <script src="/__seed/bridge.js"></script>'));
  }

  async function file(res: ServerResponse, path: string, contentType: string): Promise<void> {
    try {
      if (!(await stat(path)).isFile()) throw new AppRequestRefusedError('not_found', 'not a file');
      send(res, 200, contentType, await readFile(path));
    } catch {
      send(res, 404, 'text/plain', 'not found');
    }
  }

  origin = (await listen(server, { port: opts.port })).url;
  return { url: `${origin}/#session=${token}`, origin, close: () => closeServer(server) };
}

function sendWithCsp(res: ServerResponse, csp: string, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
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
