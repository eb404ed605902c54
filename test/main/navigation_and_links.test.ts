import { describe, expect, it } from 'vitest';
import { DeepLinkError, deepLinkFromArgv, parseDeepLink } from '../../src/main/security/deepLink';
import { externalLinkDecision, isAllowedNavigation } from '../../src/main/security/navigation';
import { permissionDecision } from '../../src/main/security/permissions';

describe('navigation guard', () => {
  it('allows only the app origin', () => {
    expect(isAllowedNavigation('app://seed/index.html#/chat', 'app://seed')).toBe(true);
    expect(isAllowedNavigation('file:///opt/app/out/renderer/index.html', 'app://seed')).toBe(false);
    expect(isAllowedNavigation('app://evil/index.html', 'app://seed')).toBe(false);
    expect(isAllowedNavigation('data:text/html,<h1>x</h1>', 'app://seed')).toBe(false);
    expect(isAllowedNavigation('file:///opt/app/out/renderer/index.html#/chat', 'file://')).toBe(true);
    expect(isAllowedNavigation('https://evil.example/', 'file://')).toBe(false);
    expect(isAllowedNavigation('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)', 'file://')).toBe(false);
    expect(isAllowedNavigation('garbage', 'invalid:')).toBe(false);
  });
});

describe('external links', () => {
  const any = { allowedHosts: [] };
  it('opens https links in the OS browser', () => {
    expect(externalLinkDecision('https://example.com/a?b=c', any)).toEqual({ open: true, url: 'https://example.com/a?b=c' });
  });
  it('refuses other schemes and credentials', () => {
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'seed-messenger://conversation/abcdefgh']) {
      expect(externalLinkDecision(url, any)).toMatchObject({ open: false });
    }
    expect(externalLinkDecision('https://user:pw@example.com/', any)).toEqual({ open: false, reason: 'credentials in links are not allowed' });
    expect(externalLinkDecision('not a url', any)).toEqual({ open: false, reason: 'not a URL' });
  });
  it('honours a host allowlist when one is set', () => {
    const rules = { allowedHosts: ['intranet.example.com'] };
    expect(externalLinkDecision('https://INTRANET.example.com/x', rules)).toMatchObject({ open: true });
    expect(externalLinkDecision('https://example.com/', rules)).toMatchObject({ open: false, reason: 'host example.com is not on the allowlist' });
  });
});

describe('deep links', () => {
  it('parses the two supported targets', () => {
    expect(parseDeepLink('seed-messenger://conversation/Abc_def-123')).toEqual({ kind: 'conversation', conversationId: 'Abc_def-123' });
    expect(parseDeepLink('seed-messenger://link-device?code=0123456789')).toEqual({ kind: 'link-device', code: '0123456789' });
  });
  it.each([
    'https://conversation/abcdefgh',
    'seed-messenger://conversation/short',
    'seed-messenger://conversation/abcdefgh/extra',
    'seed-messenger://conversation/abcdefgh?x=1',
    'seed-messenger://conversation/abc%2Fdefgh',
    'seed-messenger://link-device?code=0123456789abcdef&next=https://evil',
    'seed-messenger://link-device?code=<script>alert(1)</script>',
    'seed-messenger://settings/reset',
    'seed-messenger://user:pw@conversation/abcdefgh',
    `seed-messenger://conversation/${'a'.repeat(2000)}`,
    'not a url',
  ])('rejects %s with a typed error', (raw) => {
    expect(() => parseDeepLink(raw)).toThrow(DeepLinkError);
  });
  it('finds the deep link among a second instance argv', () => {
    expect(deepLinkFromArgv(['/opt/app/seed', '--profile=bob', 'seed-messenger://conversation/abcdefgh'])).toBe('seed-messenger://conversation/abcdefgh');
    expect(deepLinkFromArgv(['/opt/app/seed'])).toBeNull();
  });
});

describe('permission requests', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'serial', 'unknown-future-permission'])(
    'denies %s',
    (permission) => expect(permissionDecision(permission)).toBe(false),
  );
});
