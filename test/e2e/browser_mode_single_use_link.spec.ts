/**
 * Browser mode's single-use link in real Chromium (docs/threat-model.md §Browser mode): the first visit
 * spends the link for an HttpOnly session cookie — the page's JavaScript sees no credential anywhere and a
 * reload still works — and a second browser opening the same link (someone who read it later) gets the
 * sentence "This link was already used…" and no way to call main.
 */
import { expect, test } from '@playwright/test';
import type { WebHost } from '../../src/main/webHost/server';
import { startAppHost } from './harness';

let host: WebHost;

test.beforeAll(async () => {
  host = await startAppHost('browser-mode-link');
});
test.afterAll(async () => host.close());

test('the link works once; the session lives in an HttpOnly cookie the page cannot read', async ({ page, browser }) => {
  const link = host.newLink();
  await page.goto(link);
  await expect(page.getByTestId('open-about')).toBeVisible();
  expect(page.url()).toBe(`${host.origin}/`);
  const visible = await page.evaluate(() => ({ cookie: document.cookie, session: JSON.stringify(sessionStorage), local: JSON.stringify(localStorage) }));
  expect(visible.cookie).toBe('');
  expect(visible.session).not.toContain(new URL(link).searchParams.get('session'));
  const cookies = await page.context().cookies();
  expect(cookies).toEqual([expect.objectContaining({ httpOnly: true, sameSite: 'Strict', path: '/' })]);
  await page.reload();
  await page.getByTestId('open-about').click();
  await expect(page.getByTestId('keychain-status')).toHaveText('available — Secret Service (libsecret)');

  const later = await browser.newContext();
  try {
    const other = await later.newPage();
    await other.goto(link);
    await expect(other.getByRole('alert')).toHaveText('This link was already used. Start the app again to get a new one.');
    await expect(other.getByRole('alert')).toHaveAttribute('data-code', 'web_host_link_used');
    expect(await later.cookies()).toEqual([]);
    await other.goto(`${host.origin}/`);
    await expect(other.getByRole('alert')).toContainText('missing or wrong session token');
  } finally {
    await later.close();
  }
});
