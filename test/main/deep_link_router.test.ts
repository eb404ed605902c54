/**
 * Deep links to `navigate` payloads: good links route; hostile and malformed ones become a typed refusal
 * (never a throw); argv from a cold start or a second instance; the protocol registration; the queue that
 * holds links until the renderer listens, and the dispatcher wrapper that says when it does.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import { navigateSchema, type Navigate } from '../../src/common/ipc/schemas/notifications';
import { NavigationQueue, onFirstCall, protocolRegistration, routeArgv, routeDeepLink } from '../../src/main/desktop/deepLinkRouter';
import { DeepLinkError } from '../../src/main/security/deepLink';

const CODE = '7K3M9P2QRT';

describe('routeDeepLink', () => {
  it('routes a conversation link and a device-link link', () => {
    expect(routeDeepLink('seed-messenger://conversation/conv-abc-123')).toEqual({
      ok: true,
      navigate: { kind: 'conversation', conversationId: 'conv-abc-123' },
    });
    expect(routeDeepLink(`seed-messenger://link-device?code=${CODE}`)).toEqual({ ok: true, navigate: { kind: 'link-device', code: CODE } });
  });

  it('refuses hostile and malformed input with a typed error, never a throw', () => {
    const hostile: unknown[] = [
      'https://conversation/conv-abc-123',
      'javascript:alert(1)',
      'seed-messenger://conversation/conv-abc-123/extra',
      'seed-messenger://conversation/../../etc/passwd',
      'seed-messenger://conversation/%3Cscript%3E',
      'seed-messenger://conversation/conv-abc-123?open=1',
      'seed-messenger://conversation/conv-abc-123#frag',
      'seed-messenger://user:pw@conversation/conv-abc-123',
      'seed-messenger://link-device?code=short',
      `seed-messenger://link-device?code=${CODE}&then=https://evil.example`,
      `seed-messenger://link-device/x?code=${CODE}`,
      'seed-messenger://file/etc/passwd',
      `seed-messenger://conversation/${'a'.repeat(2000)}`,
      'not a url',
      '',
      42,
      null,
      { href: 'seed-messenger://conversation/conv-abc-123' },
    ];
    for (const raw of hostile) {
      const route = routeDeepLink(raw);
      expect(route.ok, String(raw)).toBe(false);
      if (!route.ok) {
        expect(route.error).toBeInstanceOf(DeepLinkError);
        expect(route.error.code).toBe('invalid_deep_link');
      }
    }
  });

  it('every routed payload passes the navigate event schema', () => {
    for (const raw of ['seed-messenger://conversation/conv-abc-123', `seed-messenger://link-device?code=${CODE}`]) {
      const route = routeDeepLink(raw);
      expect(route.ok && navigateSchema.safeParse(route.navigate).success).toBe(true);
    }
  });
});

describe('routeArgv', () => {
  it('finds the link among a second instance command line, or says there is none', () => {
    expect(routeArgv(['/opt/seed/seed-messenger', '--profile=default'])).toBeNull();
    expect(routeArgv(['/opt/seed/seed-messenger', '--flag', 'seed-messenger://conversation/conv-abc-123'])).toEqual({
      ok: true,
      navigate: { kind: 'conversation', conversationId: 'conv-abc-123' },
    });
    expect(routeArgv(['C:\\Seed\\SeedMessenger.exe', 'seed-messenger://conversation/x" --inspect'])).toMatchObject({ ok: false });
  });
});

describe('protocolRegistration', () => {
  const base = { execPath: '/usr/lib/electron/electron', profile: 'default', resolve };
  it('a packaged app registers itself; from source, Electron with the app path', () => {
    expect(protocolRegistration({ ...base, defaultApp: false, argv: ['/opt/seed/seed-messenger'] })).toEqual({ scheme: 'seed-messenger' });
    expect(protocolRegistration({ ...base, defaultApp: true, argv: ['/usr/lib/electron/electron', '.'] })).toEqual({
      scheme: 'seed-messenger',
      command: { execPath: '/usr/lib/electron/electron', args: [resolve('.')] },
    });
    expect(protocolRegistration({ ...base, defaultApp: true, argv: ['/usr/lib/electron/electron'] })).toBeNull();
    expect(protocolRegistration({ ...base, defaultApp: true, argv: ['/usr/lib/electron/electron', '--inspect'] })).toBeNull();
  });

  it('a second profile never takes the scheme', () => {
    expect(protocolRegistration({ ...base, profile: 'bob', defaultApp: false, argv: ['/opt/seed/seed-messenger'] })).toBeNull();
  });
});

describe('NavigationQueue and onFirstCall', () => {
  const to = (conversationId: string): Navigate => ({ kind: 'conversation', conversationId: conversationId as ConversationId });

  it('holds links until ready, keeps the newest few, then delivers at once', () => {
    const queue = new NavigationQueue();
    for (let i = 0; i < NavigationQueue.MAX_QUEUED + 2; i++) queue.push(to(`conv-queued-${i}`));
    const got: Navigate[] = [];
    queue.ready((n) => got.push(n));
    expect(got.map((n) => (n.kind === 'conversation' ? n.conversationId : n.code))).toEqual(
      Array.from({ length: NavigationQueue.MAX_QUEUED }, (_, i) => `conv-queued-${i + 2}`),
    );
    queue.push(to('conv-later-01'));
    expect(got).toHaveLength(NavigationQueue.MAX_QUEUED + 1);
    expect(queue.isReady).toBe(true);
  });

  it('runs once, before the first call of the named channel, and never fails the call', async () => {
    const order: string[] = [];
    const dispatch = async (channel: string, _args: unknown) => (order.push(`call:${channel}`), { ok: true as const, value: null });
    let runs = 0;
    const wrapped = onFirstCall(dispatch, 'session', () => {
      runs += 1;
      order.push('ready');
      throw new Error('delivery failed');
    });
    await wrapped('appInfo', []);
    await wrapped('session', []);
    await wrapped('session', []);
    expect(order).toEqual(['call:appInfo', 'ready', 'call:session', 'call:session']);
    expect(runs).toBe(1);
  });
});
