/**
 * Linking a second device in Chromium over the real messenger core and the embedded local stack: the new
 * device (a second profile) names Alice's account and shows a link code with its QR; Alice's existing
 * device enters the code and names the device asking, without showing any confirmation code; the new
 * device shows the confirmation code, Alice types it on the existing device (a wrong one first: a
 * sentence, nothing approved), approves, and the new device is signed in as Alice; the devices panel
 * lists both devices and can revoke the new one. Browser mode has no native dialog: the typed code is the
 * check (docs/threat-model.md).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { WebHost } from '../../src/main/webHost/server';
import { startAppHost } from './harness';

const shots = join(__dirname, '../../test-results/screenshots');
let desktop: WebHost;
let laptop: WebHost;

test.beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), 'seed-e2e-link-'));
  desktop = await startAppHost('ui-link-desktop', { core: { home } });
  laptop = await startAppHost('ui-link-laptop', { core: { home } });
});
test.afterAll(async () => {
  await laptop?.close();
  await desktop?.close();
});

test('a new device links to an existing account once the confirmation code it shows is typed on the existing one', async ({ browser }) => {
  test.setTimeout(120_000);
  const a = await browser.newPage();
  const n = await browser.newPage();
  await a.goto(desktop.url);
  await n.goto(laptop.url);

  await a.getByRole('tab', { name: 'Create account' }).click();
  await a.getByLabel('Username').fill('alice');
  await a.getByLabel('Display name').fill('Alice');
  await a.getByLabel('Password (at least 10 characters)').fill('correct horse battery');
  await a.getByLabel('Device name').fill('Office desktop');
  await a.getByTestId('register-submit').click();
  await expect(a.getByTestId('signed-in-as')).toContainText('Alice (@alice)', { timeout: 30_000 });

  // The laptop first tries to sign in: the account has a device, so the sentence says to link instead,
  // and "Link this device instead" keeps what was typed.
  await n.getByRole('tab', { name: 'Sign in' }).click();
  await n.getByLabel('Username').fill('alice');
  await n.getByLabel('Password').fill('correct horse battery');
  await n.getByLabel('Device name').fill('Laptop');
  await n.getByTestId('sign-in-submit').click();
  const refused = n.getByTestId('onboarding-error');
  await expect(refused).toHaveAttribute('data-code', 'needs_device_link', { timeout: 30_000 });
  await expect(refused.locator('.error-sentence')).toHaveText(/^This account already has a device, so this computer must be linked from it\./);
  await n.getByTestId('link-instead').click();
  await expect(n.getByRole('tab', { name: 'Link this device' })).toHaveAttribute('aria-selected', 'true');
  await expect(n.getByLabel('Username')).toHaveValue('alice');
  await expect(n.getByLabel('Device name')).toHaveValue('Laptop');
  await n.getByTestId('link-start').click();
  const code = (await n.getByTestId('link-code').innerText({ timeout: 30_000 })).trim();
  expect(code.length).toBeGreaterThanOrEqual(6);
  await expect(n.getByTestId('link-qr')).toBeVisible();
  await expect(n.getByTestId('link-state')).toHaveText('Waiting for the other device…');

  await a.getByTestId('open-devices').click();
  const devices = a.getByRole('dialog', { name: 'Devices' });
  await devices.getByTestId('approval-code').fill(code);
  await devices.getByTestId('approval-begin').click();
  await expect(devices.getByTestId('approval-confirm')).toContainText('Laptop asks to be linked to your account');
  await expect(devices.getByTestId('approval-confirm'), 'the existing device shows no code of its own').not.toContainText(/\d{3} \d{3}/);
  await n.getByRole('button', { name: 'Check status' }).click();
  await expect(n.getByTestId('link-confirmation')).toHaveText(/^\d{3} \d{3}$/, { timeout: 30_000 });
  const confirmation = (await n.getByTestId('link-confirmation').innerText()).trim();
  await n.screenshot({ path: join(shots, 'ui-link-new-device.png'), fullPage: true });

  const wrong = String((Number(confirmation.replace(' ', '')) + 1) % 1_000_000).padStart(6, '0');
  await devices.getByLabel('Confirmation code shown on Laptop').fill(wrong);
  await devices.getByTestId('approval-approve').click();
  await expect(devices.getByTestId('devices-error')).toContainText('That is not the code Laptop shows. Nothing was approved');
  await expect(devices.getByTestId('devices-error')).toHaveAttribute('data-code', 'link_code_mismatch');
  await expect(devices.getByTestId('device')).toHaveCount(1);
  await a.screenshot({ path: join(shots, 'ui-link-wrong-code.png'), fullPage: true });

  await devices.getByLabel('Confirmation code shown on Laptop').fill(confirmation);
  await a.screenshot({ path: join(shots, 'ui-link-approve.png'), fullPage: true });
  await devices.getByTestId('approval-approve').click();
  await expect(devices.getByTestId('approval-result')).toContainText('Linked.', { timeout: 30_000 });
  await expect(n.getByTestId('signed-in-as')).toContainText('Alice (@alice)', { timeout: 30_000 });

  await expect(devices.getByTestId('device')).toHaveCount(2);
  await expect(devices.getByTestId('device').filter({ hasText: 'this device' })).toContainText('Office desktop');
  await devices.getByRole('button', { name: 'Revoke Laptop' }).click();
  await expect(devices.getByTestId('confirm-revoke-device'), 'revoking a device asks first, naming it').toContainText('Revoke Laptop?');
  await devices.getByTestId('confirm-revoke-device-button').click();
  await expect(devices.getByRole('button', { name: 'Revoke Laptop' })).toHaveCount(0, { timeout: 30_000 });
  await expect(devices.getByTestId('device').filter({ hasText: 'Laptop' }), 'the revoked device stays listed as revoked').toContainText('revoked');
  await expect(devices.getByTestId('device').filter({ hasText: 'Office desktop' })).not.toContainText('revoked');
  // The laptop learns it was revoked, erases its keys and says so on the sign-in screen.
  await expect(n.getByTestId('device-revoked')).toBeVisible({ timeout: 30_000 });
  await expect(n.getByTestId('onboarding')).toBeVisible();
  await n.screenshot({ path: join(shots, 'ui-link-revoked-laptop.png'), fullPage: true });
});
