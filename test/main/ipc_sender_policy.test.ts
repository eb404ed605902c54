import { describe, expect, it } from 'vitest';
import { isTrustedSender, originOf } from '../../src/main/ipc/senderPolicy';

describe('IPC sender policy', () => {
  const app = ['app://seed'];
  it('accepts the packaged renderer main frame on app://seed', () => {
    expect(isTrustedSender({ frameUrl: 'app://seed/index.html', isMainFrame: true }, app)).toBe(true);
    expect(isTrustedSender({ frameUrl: 'app://SEED/index.html#/chat', isMainFrame: true }, app)).toBe(true);
  });
  it('refuses a sub-frame of the app page', () => {
    expect(isTrustedSender({ frameUrl: 'app://seed/index.html', isMainFrame: false }, app)).toBe(false);
  });
  it('refuses file:// pages, other app:// hosts, ports and credentials once the app is on app://seed', () => {
    for (const frameUrl of [
      'file:///opt/Seed/resources/app.asar/out/renderer/index.html',
      'app://other/index.html',
      'app://seed:1/index.html',
      'app://u@seed/index.html',
      'app:index.html',
    ]) {
      expect(isTrustedSender({ frameUrl, isMainFrame: true }, app)).toBe(false);
    }
  });
  it('gives app:// its own origin although Node parses the scheme as opaque, and never returns the opaque origin', () => {
    expect(originOf('app://seed/assets/a.js?x=1')).toBe('app://seed');
    expect(originOf('data:text/html,hi')).toBe('invalid:');
    expect(originOf('blob:app://seed/0b6f')).toBe('invalid:');
    expect(originOf('about:blank')).toBe('invalid:');
    expect(isTrustedSender({ frameUrl: 'data:text/html,hi', isMainFrame: true }, ['null'])).toBe(false);
  });
  it('refuses a page from another origin and a vanished frame', () => {
    expect(isTrustedSender({ frameUrl: 'https://evil.example/', isMainFrame: true }, app)).toBe(false);
    expect(isTrustedSender({ frameUrl: null, isMainFrame: true }, app)).toBe(false);
  });
  it('matches the dev server origin exactly, port included', () => {
    const dev = ['http://localhost:5173'];
    expect(isTrustedSender({ frameUrl: 'http://localhost:5173/index.html', isMainFrame: true }, dev)).toBe(true);
    expect(isTrustedSender({ frameUrl: 'http://localhost:5174/index.html', isMainFrame: true }, dev)).toBe(false);
  });
  it('never treats garbage as an origin', () => {
    expect(originOf('not a url')).toBe('invalid:');
  });
});
