/**
 * Browser mode's credentials under attack, over real HTTP on loopback (docs/threat-model.md §Browser mode):
 * - the printed link is single-use: its first request spends the token for an HttpOnly, SameSite=Strict
 *   session cookie; whoever reads the link later (a command line, the shell history, a screenshot) gets
 *   the sentence "This link was already used…" and no cookie, and the token itself opens no IPC call or
 *   event stream;
 * - a request whose Host header is not this host on loopback (DNS rebinding) is refused with
 *   `web_host_forbidden_host`, even when it carries the session cookie;
 * - the link reaches a browser through a 0600 launch file; the browser's command line carries only the
 *   file's address (a stub browser records the arguments it was started with).
 */
import { request } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINK_USED_SENTENCE, startWebHost, type WebHost } from '../../src/main/webHost/server';
import { browserCommand, openInBrowser, writeLaunchFile } from '../../src/main/webHost/launchFile';
import type { Dispatch } from '../../src/main/ipc/dispatch';

const dir = mkdtempSync(join(tmpdir(), 'seed-weblink-'));
const dispatch: Dispatch = async (method) => ({ ok: true, value: { method } });
let host: WebHost;

beforeAll(async () => {
  mkdirSync(join(dir, 'renderer'), { recursive: true });
  writeFileSync(join(dir, 'renderer/index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
  writeFileSync(join(dir, 'bridge.js'), 'window.bridge=1');
  host = await startWebHost({ dispatch, rendererDir: join(dir, 'renderer'), bridgeFile: join(dir, 'bridge.js') });
});
afterAll(() => host.close());

const tokenOf = (link: string) => new URL(link).searchParams.get('session') ?? '';

/** Opens a link the way a browser's address bar does, without following the redirect. */
async function open(link: string) {
  const res = await fetch(link, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), setCookie: res.headers.get('set-cookie'), body: await res.text() };
}

const ipc = (headers: Record<string, string>) =>
  fetch(`${host.origin}/__seed/ipc/appInfo`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"args":[]}' });

/** A request with the Host header set as a DNS-rebinding page's browser would send it. */
function withHost(path: string, hostHeader: string, headers: Record<string, string> = {}, method = 'GET') {
  const { port } = new URL(host.origin);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ hostname: '127.0.0.1', port, path, method, headers: { ...headers, host: hostHeader } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{"args":[]}' : undefined);
  });
}

describe('the browser-mode link is single-use', () => {
  it('spends the token on first use for an HttpOnly, SameSite=Strict cookie and sends the page on to /', async () => {
    const link = host.newLink();
    const probe = await fetch(link, { method: 'HEAD', redirect: 'manual' });
    expect(probe.status).toBe(405);
    expect(probe.headers.get('set-cookie')).toBeNull();
    const first = await open(link);
    expect(first.status).toBe(303);
    expect(first.location).toBe('/');
    const port = new URL(host.origin).port;
    expect(first.setCookie).toMatch(new RegExp(`^seed_session_${port}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/$`));
    expect(first.setCookie).not.toContain(tokenOf(link));
    const cookie = first.setCookie!.split(';')[0]!;
    expect(await (await ipc({ cookie })).json()).toEqual({ ok: true, value: { method: 'appInfo' } });
  });

  it('refuses a second use of the same link with a sentence for the person and no cookie', async () => {
    const link = host.newLink();
    expect((await open(link)).status).toBe(303);
    const again = await open(link);
    expect(again.status).toBe(403);
    expect(again.setCookie).toBeNull();
    expect(again.body).toContain(LINK_USED_SENTENCE);
    expect(again.body).toContain('data-code="web_host_link_used"');
  });

  it('refuses a token it never gave out', async () => {
    const forged = await open(`${host.origin}/?session=${'A'.repeat(32)}`);
    expect(forged.status).toBe(403);
    expect(forged.setCookie).toBeNull();
    expect(forged.body).toContain('data-code="web_host_link_unknown"');
  });

  it('gives someone who read the link no way in: the token is no credential for IPC or the event stream', async () => {
    const token = tokenOf(host.newLink());
    const asHeader = await ipc({ 'x-seed-session': token });
    expect(asHeader.status).toBe(401);
    expect(await asHeader.json()).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect((await ipc({ cookie: `seed_session_${new URL(host.origin).port}=${token}` })).status).toBe(401);
    expect((await fetch(`${host.origin}/__seed/events?session=${token}`)).status).toBe(401);
  });

  it('keeps every link to itself: a link of one host is unknown to another', async () => {
    const other = await startWebHost({ dispatch, rendererDir: join(dir, 'renderer'), bridgeFile: join(dir, 'bridge.js') });
    try {
      const foreign = await open(`${other.origin}/?session=${tokenOf(host.newLink())}`);
      expect(foreign.status).toBe(403);
    } finally {
      await other.close();
    }
  });
});

describe('the Host header allow-list (DNS rebinding)', () => {
  it('refuses IPC from a rebinding name even with a valid session cookie', async () => {
    const cookie = (await open(host.newLink())).setCookie!.split(';')[0]!;
    const port = new URL(host.origin).port;
    const rebound = await withHost('/__seed/ipc/appInfo', `evil.example:${port}`, { cookie, 'content-type': 'application/json' }, 'POST');
    expect(rebound.status).toBe(421);
    expect(JSON.parse(rebound.body)).toMatchObject({ ok: false, error: { code: 'web_host_forbidden_host' } });
    const events = await withHost('/__seed/events', `evil.example:${port}`, { cookie });
    expect(events.status).toBe(421);
    const page = await withHost('/', `evil.example:${port}`);
    expect(page.status).toBe(421);
    expect(page.body).toContain('data-code="web_host_forbidden_host"');
    expect(page.body).not.toContain('<title>t</title>');
    expect((await withHost('/', `127.0.0.1:${Number(port) + 1}`)).status).toBe(421);
    expect((await withHost(`/?session=${tokenOf(host.newLink())}`, `attacker.example:${port}`)).status).toBe(421);
  });

  it('answers the loopback names with this port', async () => {
    const port = new URL(host.origin).port;
    for (const name of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await withHost('/', name)).status, name).toBe(200);
    }
  });
});

describe('the link never goes on a command line', () => {
  it('writes it into a 0600 file in a 0700 folder that sends the browser on to it', () => {
    const link = host.newLink();
    const file = writeLaunchFile(join(dir, 'profile/browser-mode'), link);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'profile/browser-mode')).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toContain(`<meta http-equiv="refresh" content="0;url=${link}">`);
    expect(() => writeLaunchFile(join(dir, 'x'), 'https://evil.example/?session=abc')).toThrow(/not a loopback link/);
  });

  it('starts the browser with the file only: the recorded command line holds no token', async () => {
    const link = host.newLink();
    const file = writeLaunchFile(join(dir, 'launch'), link);
    const recorded = join(dir, 'argv.txt');
    const stub = join(dir, 'stub-browser.sh');
    writeFileSync(stub, `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > "${recorded}.tmp" && mv "${recorded}.tmp" "${recorded}"\n`, { mode: 0o755 });
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const { args } = browserCommand(file, platform, {});
      expect(args.join(' ')).not.toContain(tokenOf(link));
    }
    expect(await openInBrowser(file, 'linux', { ...process.env, BROWSER: stub })).toBeNull();
    await new Promise<void>((resolve) => {
      const check = () => (existsSync(recorded) ? resolve() : setTimeout(check, 20));
      check();
    });
    const argv = readFileSync(recorded, 'utf8');
    expect(argv).not.toContain(tokenOf(link));
    expect(argv).toContain('open-seed-messenger.html');
    const opened = fileURLToPath(argv.trim().split('\n')[1]!);
    const target = /url=([^"]+)"/.exec(readFileSync(opened, 'utf8'))?.[1];
    expect((await open(target!)).status).toBe(303);
  });
});
