/**
 * Main's first paint of the kept list (docs/desktop.md "Start"; src/common/view/firstPaint.ts), over real
 * HTTP on loopback:
 * - a page that holds a session gets the kept list drawn as inert HTML after the root element, in the
 *   chosen theme; the same page without the session cookie (anyone else on the machine) gets
 *   the bare page, and the first paint is not even asked for;
 * - names are data, never markup: a group named like HTML (an attacker in the organisation naming a group
 *   `</span><img src=x onerror=…>`) arrives escaped, and bidirectional controls are cleaned like the
 *   renderer cleans them;
 * - a main that fails, or is slower than FIRST_PAINT_WAIT_MS, gives the page without it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationSummary } from '../../src/common/ipc/schemas/conversations';
import { escapeHtml, FIRST_PAINT_ROWS, firstPaintMarkup, firstPaintRows, pageAroundFirstPaint } from '../../src/common/view/firstPaint';
import { FIRST_PAINT_WAIT_MS, firstPaintSource } from '../../src/main/desktop/firstPaintSource';
import type { Dispatch } from '../../src/main/ipc/dispatch';
import { startWebHost, type WebHost } from '../../src/main/webHost/server';

const self = { userId: 'u-ada', displayName: 'Ada Lovelace', username: 'ada' };

function summary(id: string, kind: 'group' | 'direct', name: string, others: { userId: string; displayName: string }[] = []): ConversationSummary {
  return {
    conversationId: id,
    kind,
    name,
    members: [self, ...others].map((m) => ({ userId: m.userId, displayName: m.displayName, username: m.userId })),
  } as unknown as ConversationSummary;
}

const kept = [
  summary('c-team', 'group', 'Team Rocket'),
  summary('c-bob', 'direct', 'dm', [{ userId: 'u-bob', displayName: 'Bob\u202Egnp.exe' }]),
  summary('c-evil', 'group', '</span><img src=x onerror="alert(1)"><script>alert(2)</script>'),
  summary('c-alpha', 'group', 'Alpha'),
];

function dispatchOf(answers: Record<string, unknown>, asked: string[] = []): Dispatch {
  return async (method) => {
    asked.push(method);
    if (!(method in answers)) return { ok: false, error: { code: 'unknown', message: method } } as never;
    return { ok: true, value: answers[method] };
  };
}

const signedIn = { session: { state: 'signedIn', user: self }, keptConversations: kept, getSettings: { theme: 'dark' } };

describe('the first paint markup', () => {
  it('orders rows as the renderer first lists them (by title) and cleans names', () => {
    expect(firstPaintRows({ self, conversations: kept }).map((r) => r.title)).toEqual([
      '</span><img src=x onerror="alert(1)"><script>alert(2)</script>',
      'Alpha',
      'Bobgnp.exe',
      'Team Rocket',
    ]);
    const many = Array.from({ length: FIRST_PAINT_ROWS + 10 }, (_, i) => summary(`c-${i}`, 'group', `G ${String(i).padStart(3, '0')}`));
    expect(firstPaintRows({ self, conversations: many })).toHaveLength(FIRST_PAINT_ROWS);
  });

  it('escapes every name: a group named like HTML is text', () => {
    const html = firstPaintMarkup({ self, conversations: kept, mac: false, theme: 'system' });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;/span&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).not.toContain('\u202E');
    expect(escapeHtml(`<a href='x'>&"`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&quot;');
  });

  it('is inert, hidden from assistive technology, and carries no test id of a real control', () => {
    const html = firstPaintMarkup({ self, conversations: kept, mac: true, theme: 'system' });
    expect(html.startsWith('<div id="first-paint" class="first-paint" inert aria-hidden="true" data-testid="first-paint">')).toBe(true);
    expect([...html.matchAll(/data-testid="([^"]+)"/g)].map((m) => m[1])).toEqual(['first-paint', ...kept.map(() => 'first-paint-row')]);
    expect(html).toContain('<kbd>⌘F</kbd>');
    expect(firstPaintMarkup({ self, conversations: [], mac: false, theme: 'dark' })).toBe('');
  });

  it('is drawn in the theme the person chose; "system" follows the browser as the stylesheet does', () => {
    expect(firstPaintMarkup({ self, conversations: kept, mac: false, theme: 'dark' })).toMatch(/^<div id="first-paint" class="first-paint theme-dark" /);
    expect(firstPaintMarkup({ self, conversations: kept, mac: false, theme: 'light' })).toMatch(/^<div id="first-paint" class="first-paint theme-light" /);
  });

  it('goes right after the root element', () => {
    const page = '<!doctype html><html lang="en"><head></head><body><div id="root"></div></body></html>';
    expect(pageAroundFirstPaint(page)).toEqual({ before: '<!doctype html><html lang="en"><head></head><body><div id="root"></div>', after: '</body></html>' });
    expect(pageAroundFirstPaint('<html><body></body></html>')).toBeNull();
  });
});

describe('the first paint source', () => {
  it('asks session, the kept list and the settings, and paints a signed-in start', async () => {
    const asked: string[] = [];
    const markup = await firstPaintSource(dispatchOf(signedIn, asked), 'linux')();
    expect(asked.sort()).toEqual(['getSettings', 'keptConversations', 'session']);
    expect(markup).toContain('class="first-paint theme-dark"');
    expect(markup).toContain('Team Rocket');
  });

  it('paints nothing when signed out, when main fails, or when it is slower than the page may wait', async () => {
    expect(await firstPaintSource(dispatchOf({ ...signedIn, session: { state: 'signedOut' } }), 'linux')()).toBe('');
    expect(await firstPaintSource(dispatchOf({}), 'linux')()).toBe('');
    const throwing: Dispatch = () => Promise.reject(new Error('keychain locked'));
    expect(await firstPaintSource(throwing, 'linux')()).toBe('');
    const slow: Dispatch = (method, args) => new Promise((resolve) => setTimeout(() => resolve(dispatchOf(signedIn)(method, args)), FIRST_PAINT_WAIT_MS * 2));
    expect(await firstPaintSource(slow, 'linux')()).toBe('');
  });
});

describe('the web host serves the first paint only to the page that holds the session', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seed-firstpaint-'));
  const asked: string[] = [];
  let host: WebHost;
  beforeAll(async () => {
    mkdirSync(join(dir, 'renderer'), { recursive: true });
    writeFileSync(join(dir, 'renderer/index.html'), '<!doctype html><html lang="en"><head><title>t</title></head><body><div id="root"></div></body></html>');
    writeFileSync(join(dir, 'bridge.js'), 'window.bridge=1');
    const dispatch = dispatchOf(signedIn, asked);
    host = await startWebHost({
      dispatch,
      firstPaint: firstPaintSource(dispatch, 'linux'),
      rendererDir: join(dir, 'renderer'),
      bridgeFile: join(dir, 'bridge.js'),
    });
  });
  afterAll(() => host.close());

  it('draws the kept list into the page after the link was spent', async () => {
    const exchange = await fetch(host.newLink(), { redirect: 'manual' });
    const cookie = exchange.headers.get('set-cookie')!.split(';')[0]!;
    const res = await fetch(`${host.origin}/`, { headers: { cookie } });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<div id="root"></div><div id="first-paint" class="first-paint theme-dark"');
    expect(html).toContain('Team Rocket');
    expect(html).not.toContain('<img src=x');
  });

  it('gives anyone without the session cookie the bare page, without asking main', async () => {
    asked.length = 0;
    const html = await (await fetch(`${host.origin}/`)).text();
    expect(html).not.toContain('first-paint');
    expect(html).not.toContain('Team Rocket');
    const forged = await (await fetch(`${host.origin}/`, { headers: { cookie: `seed_session_${new URL(host.origin).port}=${'A'.repeat(43)}` } })).text();
    expect(forged).not.toContain('Team Rocket');
    expect(asked).toEqual([]);
  });

  it('sends the head before main has answered, so the browser fetches the renderer meanwhile', async () => {
    let answer: (markup: string) => void = () => {};
    const held = new Promise<string>((resolve) => (answer = resolve));
    const slowHost = await startWebHost({
      dispatch: dispatchOf(signedIn),
      firstPaint: () => held,
      rendererDir: join(dir, 'renderer'),
      bridgeFile: join(dir, 'bridge.js'),
    });
    try {
      const cookie = (await fetch(slowHost.newLink(), { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
      const res = await fetch(`${slowHost.origin}/`, { headers: { cookie } });
      const reader = res.body!.getReader();
      let head = '';
      while (!head.includes('<div id="root"></div>')) head += new TextDecoder().decode((await reader.read()).value);
      expect(head).toContain('<script src="/__seed/bridge.js"></script>');
      expect(head).not.toContain('first-paint');
      answer('<div id="first-paint">late</div>');
      let rest = '';
      for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
      expect(rest).toBe('<div id="first-paint">late</div></body></html>');
    } finally {
      await slowHost.close();
    }
  });
});
