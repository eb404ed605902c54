import { describe, expect, it } from 'vitest';
import { isTrustedSender, originOf } from '../../src/main/ipc/senderPolicy';

describe('IPC sender policy', () => {
  const app = ['file://'];
  it('accepts the packaged renderer main frame', () => {
    expect(isTrustedSender({ frameUrl: 'file:///opt/Seed/resources/app.asar/out/renderer/index.html', isMainFrame: true }, app)).toBe(true);
  });
  it('refuses a sub-frame of the app page', () => {
    expect(isTrustedSender({ frameUrl: 'file:///opt/Seed/index.html', isMainFrame: false }, app)).toBe(false);
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
