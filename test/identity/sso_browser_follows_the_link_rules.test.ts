/**
 * The Electron build opens the provider's authorization page only through the app's link rules
 * (src/main/desktop/ssoBrowser.ts, docs/desktop.md "Single sign-on"): https, no credentials in the URL.
 * `openExternal` is a recording stand-in for Electron's shell (the binary cannot run here).
 */
import { describe, expect, it } from 'vitest';
import { ssoBrowser } from '../../src/main/desktop/ssoBrowser';

describe('the SSO system browser', () => {
  const opened: string[] = [];
  const open = ssoBrowser(async (url) => void opened.push(url));

  it('opens an https authorization URL in the system browser', async () => {
    await open('https://login.corp.example/authorize?client_id=seed&code_challenge=abc');
    expect(opened).toEqual(['https://login.corp.example/authorize?client_id=seed&code_challenge=abc']);
  });

  it('refuses a plain-http, a credential-carrying or a non-web address, and opens nothing', async () => {
    await expect(open('http://login.corp.example/authorize')).rejects.toThrow(/scheme http: is not allowed/);
    await expect(open('https://user:pw@login.corp.example/authorize')).rejects.toThrow(/credentials/);
    await expect(open('file:///etc/passwd')).rejects.toThrow(/not allowed/);
    expect(opened).toHaveLength(1);
  });
});
