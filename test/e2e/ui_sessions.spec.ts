/**
 * The account's sessions in the devices panel (docs/client.md "Sessions"), in Chromium over the real
 * messenger core and the embedded local stack. Someone signs in with Alice's password alone: the panel
 * lists that session as "password only", Alice ends it, signs out everywhere else after it comes back, and
 * changes her password — a wrong current password is reported as a sentence, without its code. The old
 * password then opens nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { recordedLocalStack } from '../../src/localStack/index';
import type { WebHost } from '../../src/main/webHost/server';
import { startAppHost } from './harness';
import { registerInUi } from './steps';

const shots = join(__dirname, '../../test-results/screenshots');
let desktop: WebHost;
let home: string;

test.beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'seed-e2e-sessions-'));
  desktop = await startAppHost('ui-sessions', { core: { home } });
});
test.afterAll(async () => desktop?.close());

async function intruderLogin(password: string): Promise<{ status: number; token: string }> {
  const url = recordedLocalStack(home)?.keyServiceUrl;
  if (!url) throw new Error('no local stack recorded');
  const res = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password }),
  });
  const body = (await res.json()) as { accessToken?: string };
  return { status: res.status, token: body.accessToken ?? '' };
}

async function intruderIsIn(token: string): Promise<boolean> {
  const url = recordedLocalStack(home)?.keyServiceUrl ?? '';
  return (await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status === 200;
}

test('lists sessions, ends a password-only one, signs out everywhere else and changes the password', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(desktop.url);
  await registerInUi(page, 'alice', 'Alice', 'Office desktop');
  const first = await intruderLogin('correct horse battery');
  expect(first.status).toBe(200);

  await page.getByTestId('open-devices').click();
  const panel = page.getByRole('dialog', { name: 'Devices' });
  const sessions = panel.getByRole('region', { name: 'Sessions' });
  await expect(sessions.getByTestId('account-session').filter({ hasText: 'this device' })).toContainText('Office desktop');
  const stranger = sessions.getByRole('button', { name: 'End session: Signed in with the password only (no device)' });
  await expect(stranger).toHaveCount(1);
  await page.screenshot({ path: join(shots, 'ui-sessions-intruder.png'), fullPage: true });
  await stranger.click();
  await expect(stranger).toHaveCount(0);
  expect(await intruderIsIn(first.token)).toBe(false);

  const second = await intruderLogin('correct horse battery');
  await page.keyboard.press('Escape');
  await page.getByTestId('open-devices').click();
  await expect(sessions.getByTestId('account-session').and(page.locator('[data-kind="password"]'))).toHaveCount(1);
  await sessions.getByRole('button', { name: 'Sign out everywhere else' }).click();
  await expect(sessions.getByTestId('sessions-notice')).toContainText('Signed out');
  expect(await intruderIsIn(second.token)).toBe(false);

  await sessions.getByLabel('Current password').fill('not my password');
  await sessions.getByLabel('New password (at least 10 characters)').fill('a brand new password');
  await sessions.getByRole('button', { name: 'Change password' }).click();
  await expect(sessions.getByTestId('sessions-error')).toHaveText('The current password is not right, so the password was not changed.');
  await expect(sessions.getByTestId('sessions-error')).not.toContainText('wrong_password');
  await sessions.getByLabel('Current password').fill('correct horse battery');
  await sessions.getByRole('button', { name: 'Change password' }).click();
  await expect(sessions.getByTestId('sessions-notice')).toContainText('Your password was changed');
  expect((await intruderLogin('correct horse battery')).status).toBe(401);
  await page.screenshot({ path: join(shots, 'ui-sessions-done.png'), fullPage: true });
});
