/**
 * The web host over real HTTP on loopback, wired to the real dispatcher and the real keychain wrapper.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../src/main/composition';
import { bootstrapMain } from '../../src/main/bootstrap';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { startWebHost, type WebHost } from '../../src/main/webHost/server';
import { createEventHub } from '../../src/main/ipc/eventHub';

let host: WebHost;
const events = createEventHub();
let cookie: string;
const dir = mkdtempSync(join(tmpdir(), 'seed-webhost-'));

beforeAll(async () => {
  mkdirSync(join(dir, 'renderer/assets'), { recursive: true });
  writeFileSync(join(dir, 'renderer/index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
  writeFileSync(join(dir, 'renderer/assets/app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  writeFileSync(join(dir, 'bridge.js'), 'window.bridge=1');
  const handlers = createHandlers(
    await bootstrapMain({
      facts: { name: 'Seed', version: '9.9.9', platform: 'linux', runtime: 'node', runtimeVersion: process.versions.node },
      home: join(dir, 'home'),
      profile: 'webhost-test',
      network: 'none',
    }),
  );
  host = await startWebHost({ dispatch: createDispatcher(handlers), rendererDir: join(dir, 'renderer'), bridgeFile: join(dir, 'bridge.js'), events });
  const opened = await fetch(host.url, { redirect: 'manual' });
  cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
});
afterAll(() => host.close());

const call = (channel: string, init: RequestInit = {}) =>
  fetch(`${host.origin}/__seed/ipc/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ args: [] }),
    ...init,
  });

describe('web host', () => {
  it('listens on loopback only and gives out a link whose token buys a session cookie', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(host.url).searchParams.get('session')?.length).toBeGreaterThanOrEqual(32);
    expect(cookie).toMatch(/^seed_session_\d+=[A-Za-z0-9_-]{43}$/);
  });

  it('serves index.html with the bridge script injected and a strict CSP', async () => {
    const res = await fetch(`${host.origin}/`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<script src="/__seed/bridge.js"></script>');
  });

  it('forwards a contract call to the main-side services', async () => {
    const res = await call('appInfo');
    expect(await res.json()).toEqual({ ok: true, value: expect.objectContaining({ version: '9.9.9', runtime: 'node' }) });
    const kc = await (await call('keychainStatus')).json();
    expect(kc).toEqual({ ok: true, value: { available: true, backend: 'Secret Service (libsecret)' } });
  });

  it('refuses a call without the session cookie or from a foreign origin', async () => {
    const noToken = await call('appInfo', { headers: { 'content-type': 'application/json' } });
    expect(noToken.status).toBe(401);
    const foreign = await call('appInfo', { headers: { cookie, origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
  });

  it('answers bad input with typed errors', async () => {
    expect(await (await call('nope')).json()).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const bad = await call('appInfo', { body: '{not json' });
    expect(bad.status).toBe(400);
    const big = await call('appInfo', { body: JSON.stringify({ args: ['x'.repeat(2 * 1024 * 1024)] }) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ ok: false, error: { code: 'too_large' } });
  });

  it('streams main events to a page holding the session cookie, schema-checked', async () => {
    expect((await fetch(`${host.origin}/__seed/events`)).status).toBe(401);
    const res = await fetch(`${host.origin}/__seed/events`, { headers: { cookie } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    await reader.read();
    events.emit('keyAvailable', { conversationId: 'conv_abcdefgh', keyVersion: 3, extra: 'dropped' } as never);
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe('data: {"name":"keyAvailable","payload":{"conversationId":"conv_abcdefgh","keyVersion":3}}\n\n');
    expect(() => events.emit('keyAvailable', { conversationId: 'x', keyVersion: 0 } as never)).toThrow();
    await reader.cancel();
  });

  it('never serves files outside the renderer folder', async () => {
    const res = await fetch(`${host.origin}/..%2fsecret.txt`);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('app_request_path_not_allowed');
    const ok = await fetch(`${host.origin}/assets/app.js`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/javascript');
  });
});
