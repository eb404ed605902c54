/**
 * The `app://seed` glue (src/main/electron/appProtocol.ts) with Electron MOCKED — the binary cannot run
 * here. The mock records the privileged-scheme registration and the `protocol.handle` handler; the handler
 * is then driven with real `Request` objects against a real renderer folder on disk.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';

type Handler = (request: Request & { initiatorOrigin?: string | null }) => Promise<Response>;
const recorded = vi.hoisted(() => ({
  privileged: [] as unknown[],
  handlers: new Map<string, Handler>(),
}));

vi.mock('electron', () => ({
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => void recorded.privileged.push(...schemes),
    handle: (scheme: string, handler: Handler) => void recorded.handlers.set(scheme, handler),
  },
}));

const { registerAppScheme, handleAppProtocol } = await import('../../src/main/electron/appProtocol');
const { CspOriginError } = await import('../../src/main/security/csp');

const root = mkdtempSync(join(tmpdir(), 'seed-appproto-'));
const rendererDir = join(root, 'renderer');
let serve: Handler;

beforeAll(() => {
  mkdirSync(join(rendererDir, 'assets/dir.js'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>seed</title>');
  writeFileSync(join(rendererDir, 'assets/app.js'), 'console.log("app")');
  writeFileSync(join(root, 'secret.txt'), 'TOP SECRET outside the renderer');
  writeFileSync(join(root, 'secret.js'), 'TOP SECRET outside the renderer');
  registerAppScheme();
  handleAppProtocol({ rendererDir, transport: { kind: 'relay', url: 'https://ps.pndsn.com' } });
  const handler = recorded.handlers.get('app');
  if (!handler) throw new Error('app:// handler not registered');
  serve = handler;
});

const fetchApp = (url: string, init?: RequestInit, initiatorOrigin?: string | null) =>
  serve(Object.assign(new Request(url, init), initiatorOrigin === undefined ? {} : { initiatorOrigin }));
/** A request whose URL reaches the handler exactly as written (Request would normalize it first). */
const raw = (url: string) => serve({ method: 'GET', url } as Request);

describe('app:// scheme registration (mocked Electron)', () => {
  it('registers app as a standard, secure, fetch-capable scheme without cross-origin reads', () => {
    expect(recorded.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
  });

  it('refuses to start with a transport origin the CSP cannot express', () => {
    expect(() => handleAppProtocol({ rendererDir, transport: { kind: 'relay', url: 'ftp://ps.pndsn.com' } })).toThrow(CspOriginError);
  });
});

describe('app:// handler over a real renderer folder (mocked Electron)', () => {
  it('serves index.html with its type, the CSP naming the PubNub origin, and nosniff', async () => {
    const res = await fetchApp('app://seed/index.html');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>seed</title>');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' https://ps.pndsn.com wss://ps.pndsn.com;");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('serves assets requested by its own page, and HEAD without a body', async () => {
    const res = await fetchApp('app://seed/assets/app.js', undefined, 'app://seed');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toBe('console.log("app")');
    const head = await fetchApp('app://seed/index.html', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers a missing file or a folder with 404, never with index.html', async () => {
    for (const url of ['app://seed/assets/missing.js', 'app://seed/assets/dir.js', 'app://seed/chat']) {
      const res = await fetchApp(url);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('<title>seed</title>');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const url of [
      'app://seed/../secret.txt',
      'app://seed/%2e%2e/secret.js',
      'app://seed/assets/..%2f..%2fsecret.js',
      'app://seed/..\\secret.js',
      'app://seed/%252e%252e/secret.js',
      'app://seed/secret.js%00.js',
    ]) {
      const res = await raw(url);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(await res.text()).not.toContain('TOP SECRET');
    }
  });

  it('refuses other hosts, writes and requests made by other origins', async () => {
    expect((await fetchApp('app://other/index.html')).status).toBe(404);
    expect((await fetchApp('app://seed/index.html', { method: 'POST', body: 'x' })).status).toBe(405);
    const foreign = await fetchApp('app://seed/assets/app.js', undefined, 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toBe('app_request_foreign_initiator');
  });
});

describe("app:// serves main's first paint of the kept list (mocked Electron)", () => {
  it('streams the page: the head at once, the first paint after the root element, and nothing for other files', async () => {
    const paintedDir = join(root, 'painted');
    mkdirSync(join(paintedDir, 'assets'), { recursive: true });
    writeFileSync(join(paintedDir, 'index.html'), '<!doctype html><html lang="en"><head><title>seed</title></head><body><div id="root"></div></body></html>');
    writeFileSync(join(paintedDir, 'assets/app.js'), 'console.log("app")');
    let answer: (markup: string) => void = () => {};
    const held = new Promise<string>((resolve) => (answer = resolve));
    let asked = 0;
    handleAppProtocol({ rendererDir: paintedDir, transport: { kind: 'relay', url: 'https://ps.pndsn.com' }, firstPaint: () => (asked++, held) });
    const painted = recorded.handlers.get('app')!;
    const res = await painted(new Request('app://seed/index.html'));
    expect(res.headers.get('cache-control')).toBe('no-store');
    const reader = res.body!.getReader();
    const head = new TextDecoder().decode((await reader.read()).value);
    expect(head).toBe('<!doctype html><html lang="en"><head><title>seed</title></head><body><div id="root"></div>');
    answer('<div id="first-paint">Team Rocket</div>');
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe('<div id="first-paint">Team Rocket</div></body></html>');
    const asset = await painted(Object.assign(new Request('app://seed/assets/app.js'), { initiatorOrigin: 'app://seed' }));
    expect(await asset.text()).toBe('console.log("app")');
    expect(asked).toBe(1);
  });
});
