/**
 * The settings panel in Chromium over the real main-side settings service (theme; managed policy as
 * in docs/deployment.md §2): choosing a theme puts its class on <html> and main keeps it across a reload; a
 * setting IT manages is shown locked, with the policy's label; Escape closes the dialog.
 */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { POLICY_DEFAULTS } from '../../src/common/policy/values';
import type { WebHost } from '../../src/main/webHost/server';
import { startAppHost } from './harness';

const shots = join(__dirname, '../../test-results/screenshots');
let host: WebHost;

test.beforeAll(async () => {
  host = await startAppHost('ui-settings', {
    policy: { values: { ...POLICY_DEFAULTS, notificationContent: 'none' }, managed: { notificationContent: 'machine' }, warnings: [] },
  });
});
test.afterAll(async () => host.close());

test('the settings panel applies the theme and shows the managed notifications setting locked', async ({ page }) => {
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toBeVisible();

  await dialog.getByLabel('Dark').check();
  await expect(page.locator('html')).toHaveClass(/theme-dark/);
  const darkBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  const notifications = dialog.getByLabel('Notifications show');
  await expect(notifications).toBeDisabled();
  await expect(notifications).toHaveValue('none');
  await expect(dialog.getByTestId('notifications-lock')).toHaveText('Locked: Notification content is managed by your organisation (device policy)');
  await page.screenshot({ path: join(shots, 'ui-settings-dark-managed.png'), fullPage: true });

  await dialog.getByLabel('Light').check();
  await expect(page.locator('html')).toHaveClass(/theme-light/);
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(darkBg);

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Settings' })).toBeFocused();

  await page.reload();
  await expect(page.locator('html')).toHaveClass(/theme-light/);
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('dialog', { name: 'Settings' }).getByLabel('Light')).toBeChecked();
  await page.screenshot({ path: join(shots, 'ui-settings-light.png'), fullPage: true });
});
