/**
 * The app's own URL scheme, `app://seed/…` (Electron security checklist §18 "Avoid usage of the `file://`
 * protocol"): maps a request to a file of the built renderer, or refuses it with a typed error. Pure — no
 * file system, no Electron: the Electron glue (src/main/electron/appProtocol.ts) reads the file, and the
 * web host (src/main/webHost/server.ts) uses the same path rule for its static files.
 *
 * Rules: scheme `app:`, host exactly `seed`, no user, password or port; GET and HEAD only; a request made
 * by another origin is refused. The path is split on `/` before decoding and each segment is decoded once,
 * then must be 1-128 characters of `A-Z a-z 0-9 . _ ~ -` not starting with a dot — so `..`, `%2e%2e`,
 * `..%2f`, backslashes (raw or `%5c`), NUL, empty segments and double encoding (`%252e`) are all refused.
 * The query and fragment never pick a file. `/` serves `index.html` (the app's one page); any other path
 * is the file it names or a 404, never an `index.html` fallback. Only known file types are served.
 */
import { join, sep } from 'node:path';
import { AppError } from '../../common/errors';

export const APP_SCHEME = 'app';
export const APP_HOST = 'seed';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

const MAX_URL = 2048;
const MAX_SEGMENTS = 8;
const SEGMENT = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,127}$/;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  woff: 'font/woff',
  wasm: 'application/wasm',
};

export type AppRequestRefusal = 'bad_url' | 'foreign_host' | 'path_not_allowed' | 'bad_encoding' | 'method_not_allowed' | 'foreign_initiator' | 'not_found';

const STATUS: Readonly<Record<AppRequestRefusal, number>> = {
  bad_url: 400,
  foreign_host: 404,
  path_not_allowed: 400,
  bad_encoding: 400,
  method_not_allowed: 405,
  foreign_initiator: 403,
  not_found: 404,
};

export class AppRequestRefusedError extends AppError {
  readonly status: number;
  constructor(
    readonly refusal: AppRequestRefusal,
    detail: string,
  ) {
    super(`app_request_${refusal}`, `app:// request refused: ${detail}`, 'permission');
    this.status = STATUS[refusal];
  }
}

export interface AppFile {
  /** Absolute path of the file under the renderer folder. */
  path: string;
  contentType: string;
  /**
   * The `cache-control` it is served with: the build's `assets/` files are named by their content's hash,
   * so a browser may keep them (and V8 their compiled code, which is what makes the next start fast);
   * everything else — the page, and every refusal — is `no-store`.
   */
  cacheControl: string;
}

const NO_STORE = 'no-store';
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface AppRequest {
  method: string;
  url: string;
  /**
   * Origin of the page that made the request (Electron's `request.initiatorOrigin`; null for an opaque
   * origin); undefined for loads the browser starts itself, such as the window's own `loadURL`.
   */
  initiatorOrigin?: string | null | undefined;
}

/** The file an `app://seed/…` request names, or an `AppRequestRefusedError`. */
export function resolveAppRequest(request: AppRequest, rendererDir: string): AppFile {
  if (request.method !== 'GET' && request.method !== 'HEAD') throw new AppRequestRefusedError('method_not_allowed', `method ${request.method.slice(0, 16)}`);
  if (request.initiatorOrigin !== undefined && request.initiatorOrigin !== APP_ORIGIN) {
    throw new AppRequestRefusedError('foreign_initiator', 'requested by another origin');
  }
  const url = request.url;
  if (url.length > MAX_URL) throw new AppRequestRefusedError('bad_url', 'URL too long');
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#\\]*)([^?#]*)/.exec(url);
  if (!m || m[1]?.toLowerCase() !== APP_SCHEME) throw new AppRequestRefusedError('bad_url', 'not an app:// URL');
  if (m[2]?.toLowerCase() !== APP_HOST) throw new AppRequestRefusedError('foreign_host', 'unknown host');
  return resolveRendererPath(m[3] ?? '', rendererDir);
}

/**
 * The renderer file a raw (still percent-encoded) URL path names: `/` is `index.html`, anything else must
 * pass the segment rule above and have a known file type.
 */
export function resolveRendererPath(rawPath: string, rendererDir: string): AppFile {
  const path = rawPath === '' || rawPath === '/' ? '/index.html' : rawPath;
  if (!path.startsWith('/') || path.includes('\\')) throw new AppRequestRefusedError('path_not_allowed', 'malformed path');
  const segments = path.slice(1).split('/').map(decodeSegment);
  if (segments.length > MAX_SEGMENTS) throw new AppRequestRefusedError('path_not_allowed', 'path too deep');
  const name = segments[segments.length - 1] ?? '';
  const contentType = contentTypeOf(name);
  if (contentType === null) throw new AppRequestRefusedError('not_found', 'unknown file type');
  const root = rendererDir.endsWith(sep) ? rendererDir.slice(0, -1) : rendererDir;
  const file = join(root, ...segments);
  if (!file.startsWith(root + sep)) throw new AppRequestRefusedError('path_not_allowed', 'outside the renderer folder');
  return { path: file, contentType, cacheControl: segments.length === 2 && segments[0] === 'assets' ? IMMUTABLE : NO_STORE };
}

function decodeSegment(raw: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new AppRequestRefusedError('bad_encoding', 'malformed percent-encoding');
  }
  if (!SEGMENT.test(decoded)) throw new AppRequestRefusedError('path_not_allowed', 'path segment not allowed');
  return decoded;
}

/** Content type served for a file name, or null when the type is not one the renderer uses. */
export function contentTypeOf(fileName: string): string | null {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0) return null;
  return CONTENT_TYPES[fileName.slice(dot + 1).toLowerCase()] ?? null;
}
