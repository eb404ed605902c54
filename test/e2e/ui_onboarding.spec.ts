/**
 * The onboarding screen in Chromium over the real main-side services (keyboard
 * navigable, labelled controls): every control is reachable with Tab, named, and visibly focused; a sign-in
 * while the session service is not part of the build shows main's typed `unavailable` error.
 */
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { WebHost } from '../../src/main/webHost/server';
import { startAppHost } from './harness';

const shots = join(__dirname, '../../test-results/screenshots');
let host: WebHost;

test.beforeAll(async () => {
  host = await startAppHost('ui-onboarding', { withoutChannels: ['session', 'signIn', 'register', 'startDeviceLink'] });
});
test.afterAll(async () => host.close());

async function focusedControl(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const labelled = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
    const name = el.getAttribute('aria-label') ?? labelled ?? el.textContent ?? '';
    const style = getComputedStyle(el);
    return { tag: el.tagName.toLowerCase(), name: name.trim(), outline: style.outlineStyle, outlineWidth: style.outlineWidth };
  });
}

test('the onboarding screen is keyboard navigable and every control is labelled', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByRole('heading', { name: 'Seed Messenger' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Create account' }), 'a new install starts on "Create account"').toHaveAttribute('aria-selected', 'true');
  const seen: { tag: string; name: string }[] = [];
  for (let i = 0; i < 9; i += 1) {
    await page.keyboard.press('Tab');
    const focused = await focusedControl(page);
    expect(focused, `Tab ${i + 1} reached a control`).not.toBeNull();
    expect(focused!.name, `control ${focused!.tag} has a name`).not.toBe('');
    expect(focused!.outline, `${focused!.name} shows focus`).not.toBe('none');
    seen.push({ tag: focused!.tag, name: focused!.name });
  }
  expect(seen.map((s) => s.name)).toEqual([
    'Settings',
    'Create account',
    'Sign in',
    'Link this device',
    'Use recovery key',
    'Username',
    'Display name',
    'Password (at least 10 characters)',
    'Device name',
  ]);
  await expect(page.getByLabel('Display name')).toBeVisible();
  await page.getByRole('tab', { name: 'Sign in' }).press('Enter');
  await expect(page.getByLabel('Display name')).toHaveCount(0);
  await page.getByRole('tab', { name: 'Link this device' }).click();
  await expect(page.getByRole('button', { name: 'Show link code' })).toBeVisible();
  await page.screenshot({ path: join(shots, 'ui-onboarding.png'), fullPage: true });
});

test('a sign-in while the session service is unavailable shows the typed error', async ({ page }) => {
  await page.goto(host.url);
  await page.getByRole('tab', { name: 'Sign in' }).click();
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Password').press('Enter');
  const error = page.getByTestId('onboarding-error');
  await expect(error).toHaveAttribute('data-code', 'unavailable');
  await expect(error).toContainText('signIn is not available in this build');
  await page.screenshot({ path: join(shots, 'ui-onboarding-unavailable.png'), fullPage: true });
});
