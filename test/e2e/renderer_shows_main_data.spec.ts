/**
 * Thin vertical proof that the layers connect: the built renderer, in Chromium, shows data that came from
 * main-side handlers in Node (app version, keychain availability through the real gnome-keyring).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { WebHost } from '../../src/main/webHost/server';
import { startAppHost } from './harness';
import { methodNames } from '../../src/common/ipc/methods';
import { eventNames, listenerName } from '../../src/common/ipc/eventNames';

const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { productName: string; version: string };
let host: WebHost;

test.beforeAll(async () => {
  host = await startAppHost('foundation');
});
test.afterAll(async () => host.close());

test('the renderer shows the app version and keychain status from main', async ({ page }, testInfo) => {
  await page.goto(host.url);
  // The footer keeps only "About"; the installation detail is in the About dialog.
  await expect(page.getByTestId('open-about')).toBeVisible();
  await expect(page.getByTestId('app-version')).toHaveCount(0);
  await page.getByTestId('open-about').click();
  const about = page.getByRole('dialog', { name: `About ${pkg.productName}` });
  await expect(about.getByTestId('app-version')).toHaveText(`${pkg.productName} ${pkg.version}`);
  await expect(page.getByTestId('app-runtime')).toContainText(`node ${process.versions.node}`);
  await expect(page.getByTestId('keychain-status')).toHaveText('available — Secret Service (libsecret)');
  expect(page.url()).not.toContain('session=');
  await page.screenshot({ path: testInfo.outputPath('renderer-main-data.png'), fullPage: true });
  await page.keyboard.press('Escape');
  await expect(about).toBeHidden();
  await expect(page.getByTestId('open-about')).toBeFocused();
  await page.screenshot({ path: join(__dirname, '../../test-results/screenshots/foundation-renderer.png') });
});

test('the page exposes only the contract bridge, and CSP blocks inline script', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('open-about')).toBeVisible();
  const surface = await page.evaluate(() => Object.keys((window as unknown as { seed: object }).seed).sort());
  expect(surface).toEqual([...methodNames, ...eventNames.map(listenerName)].sort());
  const blocked = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.appendChild(s);
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
  });
  expect(blocked).toBe(false);
});

test('a page without the session token cannot call main', async ({ page }) => {
  await page.goto(host.origin + '/');
  await expect(page.getByRole('alert')).toContainText('missing or wrong session token');
});
