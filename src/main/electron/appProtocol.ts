/**
 * Electron glue for the `app://seed` scheme: registers it as a privileged standard scheme before `ready`
 * and serves the built renderer through `protocol.handle` (Electron security checklist §18), so the
 * window no longer loads from `file://` and the `grantFileProtocolExtraPrivileges` fuse is off. Which
 * file a URL names is decided by src/main/security/appProtocol.ts; every response carries the CSP built in
 * main (src/main/security/csp.ts). `corsEnabled` stays unset, so no other origin can read these files.
 * `codeCache` lets V8 keep the renderer's compiled code between starts; the content-named `assets/` are
 * cacheable, the page and every refusal `no-store`.
 */
import { protocol } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import { pageAroundFirstPaint } from '../../common/view/firstPaint';
import type { FirstPaintSource } from '../desktop/firstPaintSource';
import { APP_SCHEME, AppRequestRefusedError, resolveAppRequest } from '../security/appProtocol';
import { buildCsp, type CspTransport } from '../security/csp';

export interface AppProtocolOptions {
  /** Folder of the built renderer (out/renderer next to out/main). */
  rendererDir: string;
  /** The transport origin the renderer connects to, for the CSP's connect-src. */
  transport: CspTransport;
  /** The kept list drawn into the page at a signed-in start (docs/desktop.md "Start"). */
  firstPaint?: FirstPaintSource;
}

/** Must run before `app` is ready (Electron refuses it later). It replaces any earlier privileged-scheme list. */
export function registerAppScheme(): void {
  // codeCache: V8 keeps the compiled renderer between starts (Electron ≥ 28; only for standard schemes).
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
}

/** Serves `app://seed/…` from `rendererDir`. Throws `CspOriginError` for a transport origin the CSP cannot express. */
export function handleAppProtocol(opts: AppProtocolOptions): void {
  const serve = appRequestServer(opts.rendererDir, buildCsp(opts.transport), opts.firstPaint);
  protocol.handle(APP_SCHEME, serve);
}

type ElectronRequest = Request & { initiatorOrigin?: string | null };

function appRequestServer(rendererDir: string, csp: string, firstPaint?: FirstPaintSource): (request: ElectronRequest) => Promise<Response> {
  const headers = (contentType: string, cacheControl = 'no-store') => ({
    'content-type': contentType,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'cache-control': cacheControl,
  });
  return async (request) => {
    try {
      const file = resolveAppRequest({ method: request.method, url: request.url, initiatorOrigin: request.initiatorOrigin }, rendererDir);
      if (!(await stat(file.path)).isFile()) throw new AppRequestRefusedError('not_found', 'not a file');
      const around =
        request.method !== 'HEAD' && firstPaint !== undefined && file.path.endsWith('index.html')
          ? pageAroundFirstPaint(await readFile(file.path, 'utf8'))
          : null;
      if (around !== null && firstPaint !== undefined)
        return new Response(streamedPage(around, firstPaint), { status: 200, headers: headers(file.contentType, file.cacheControl) });
      const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(file.path));
      return new Response(body, { status: 200, headers: headers(file.contentType, file.cacheControl) });
    } catch (e) {
      const refused = e instanceof AppRequestRefusedError ? e : new AppRequestRefusedError('not_found', 'no such file');
      return new Response(refused.code, { status: refused.status, headers: headers('text/plain; charset=utf-8') });
    }
  };
}

/** The page's head at once (the window fetches the renderer meanwhile), then main's first paint and the rest. */
function streamedPage(around: { before: string; after: string }, firstPaint: FirstPaintSource): ReadableStream<Uint8Array> {
  const text = new TextEncoder();
  return new ReadableStream({
    async start(controller) {
      controller.enqueue(text.encode(around.before));
      controller.enqueue(text.encode((await firstPaint()) + around.after));
      controller.close();
    },
  });
}
