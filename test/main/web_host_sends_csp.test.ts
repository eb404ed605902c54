/**
 * The web host's CSP header and static files over real HTTP on loopback: the header names the transport
 * origin main chose (the loopback relay by default), every response carries it, and raw request paths
 * that try to leave the renderer folder are refused by the same rule as app://.
 */
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../src/main/webHost/server';
import { CspOriginError } from '../../src/main/security/csp';
import type { Dispatch } from '../../src/main/ipc/dispatch';

const dir = mkdtempSync(join(tmpdir(), 'seed-webcsp-'));
const dispatch: Dispatch = async () => ({ ok: true, value: null });
let managed: WebHost;
let local: WebHost;

beforeAll(async () => {
  mkdirSync(join(dir, 'renderer/assets'), { recursive: true });
  writeFileSync(join(dir, 'renderer/index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
  writeFileSync(join(dir, 'renderer/assets/app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.js'), 'TOP SECRET');
  writeFileSync(join(dir, 'bridge.js'), 'window.bridge=1');
  const common = { dispatch, rendererDir: join(dir, 'renderer'), bridgeFile: join(dir, 'bridge.js') };
  managed = await startWebHost({ ...common, transport: { kind: 'relay', url: 'https://ps.pndsn.com' } });
  local = await startWebHost(common);
});
afterAll(async () => {
  await managed.close();
  await local.close();
});

/** GET with the request target sent exactly as written (fetch would normalize `..` away first). */
function rawGet(origin: string, target: string): Promise<{ status: number; body: string; csp: string | undefined }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: target, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), csp: res.headers['content-security-policy'] as string | undefined }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web host CSP header', () => {
  it('names the managed PubNub origin in connect-src and keeps scripts self-only', async () => {
    const res = await fetch(`${managed.origin}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self' https://ps.pndsn.com wss://ps.pndsn.com;");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('127.0.0.1');
    expect(csp).not.toContain('unsafe');
  });

  it('lets the renderer reach the local relay on loopback when no transport is named (browser mode default)', async () => {
    const csp = (await fetch(`${local.origin}/`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:* ws://127.0.0.1:*;");
  });

  it('sends the header on assets, IPC answers and refusals alike', async () => {
    const asset = await fetch(`${managed.origin}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const missing = await fetch(`${managed.origin}/assets/missing.js`);
    expect(missing.status).toBe(404);
    const ipc = await fetch(`${managed.origin}/__seed/ipc/appInfo`, { method: 'POST', body: '{}' });
    expect(ipc.status).toBe(401);
    for (const res of [asset, missing, ipc]) expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it("lets a browser keep only the built renderer's content-named assets; the page, the bridge, IPC answers and refusals are never stored", async () => {
    const asset = await fetch(`${managed.origin}/assets/app.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const others = [
      await fetch(`${managed.origin}/`),
      await fetch(`${managed.origin}/__seed/bridge.js`),
      await fetch(`${managed.origin}/assets/missing.js`),
      await fetch(`${managed.origin}/__seed/ipc/appInfo`, { method: 'POST', body: '{}' }),
    ];
    for (const res of others) expect(res.headers.get('cache-control'), res.url).toBe('no-store');
  });

  it('refuses to start with a transport origin that is not http(s)', async () => {
    await expect(
      startWebHost({ dispatch, rendererDir: join(dir, 'renderer'), bridgeFile: join(dir, 'bridge.js'), transport: { kind: 'relay', url: 'ftp://x.example' } }),
    ).rejects.toBeInstanceOf(CspOriginError);
  });
});

describe('web host static files', () => {
  it.each([
    '/../secret.js',
    '/assets/../../secret.js',
    '/%2e%2e/secret.js',
    '/assets/..%2f..%2fsecret.js',
    '/..%5csecret.js',
    '/%252e%252e/secret.js',
    '/assets/app.js%00.js',
  ])('never serves %s from outside the renderer folder', async (target) => {
    const res = await rawGet(managed.origin, target);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body).not.toContain('TOP SECRET');
    expect(res.csp).toContain("default-src 'self'");
  });

  it('answers an unknown path with 404 rather than the page, and a malformed channel name with a typed error', async () => {
    const page = await rawGet(managed.origin, '/chat');
    expect(page.status).toBe(404);
    expect(page.body).not.toContain('<title>t</title>');
    const badChannel = await fetch(`${managed.origin}/__seed/ipc/%E0%A4%A`, { method: 'POST', headers: { 'x-seed-session': 'x' }, body: '{}' });
    expect(badChannel.status).toBe(401);
  });
});
