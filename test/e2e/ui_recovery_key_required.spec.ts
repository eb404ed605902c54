/**
 * Managed policy `requireRecoveryKey` in Chromium over the real core and local stack (docs/desktop.md
 * "Recovery key"): Alice's reminder says her organisation requires a recovery key and cannot be put off; a
 * message she tries to send is not sent (main refuses to seal it); once she made the key and typed it back,
 * the reminder goes and her messages go out.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { POLICY_DEFAULTS } from '../../src/common/policy/values';
import type { WebHost } from '../../src/main/webHost/server';
import { startAppHost } from './harness';
import { registerInUi, startDirectMessage } from './steps';

let alice: WebHost | undefined;
let bob: WebHost | undefined;

test.beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), 'seed-e2e-recovery-required-'));
  alice = await startAppHost('ui-required-alice', {
    core: { home },
    policy: { values: { ...POLICY_DEFAULTS, requireRecoveryKey: true }, managed: { requireRecoveryKey: 'machine' }, warnings: [] },
  });
  bob = await startAppHost('ui-required-bob', { core: { home } });
});
test.afterAll(async () => {
  await bob?.close();
  await alice?.close();
});

test('no sending until the recovery key is made and typed back', async ({ browser }) => {
  test.setTimeout(120_000);
  const a = await browser.newPage();
  const b = await browser.newPage();
  await a.goto(alice!.url);
  await b.goto(bob!.url);
  await registerInUi(a, 'alice', 'Alice');
  await registerInUi(b, 'bob', 'Bob');

  const reminder = a.getByTestId('recovery-reminder');
  await expect(reminder).toContainText('Your organisation requires a confirmed recovery key before you can send messages.', { timeout: 15_000 });
  await expect(reminder.getByTestId('recovery-reminder-later')).toHaveCount(0);

  await startDirectMessage(a, 'bob', 'Bob');
  const composer = a.getByTestId('composer-input');
  await expect(composer).toBeEnabled({ timeout: 15_000 });
  await composer.fill('too early');
  await composer.press('Enter');
  const early = a.getByTestId('message').filter({ hasText: 'too early' });
  await expect(early.getByTestId('delivery-state')).toHaveText('Not sent', { timeout: 15_000 });

  await reminder.getByTestId('recovery-reminder-open').click();
  const dialog = a.getByRole('dialog', { name: 'Recovery key' });
  await dialog.getByTestId('recovery-password').fill('correct horse battery');
  await dialog.getByTestId('recovery-make').click();
  const key = (await dialog.getByTestId('recovery-key').innerText({ timeout: 30_000 })).trim().split(/\s+/).join('-');
  await dialog.getByTestId('recovery-next').click();
  await dialog.getByTestId('recovery-typed').fill(key);
  await dialog.getByTestId('recovery-verify').click();
  await expect(dialog.getByTestId('recovery-checked')).toBeVisible({ timeout: 15_000 });
  await dialog.getByRole('button', { name: 'Close Recovery key' }).click();
  await expect(reminder).toHaveCount(0);

  await composer.fill('now it goes');
  await composer.press('Enter');
  await expect(a.getByTestId('message').filter({ hasText: 'now it goes' }).getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });
  const row = b.getByTestId('conversation-row').filter({ hasText: 'Alice' });
  if (!(await row.isVisible())) await b.reload();
  await row.click({ timeout: 15_000 });
  await expect(b.getByRole('log').getByTestId('message-text').filter({ hasText: 'now it goes' })).toBeVisible({ timeout: 15_000 });
  await expect(b.getByRole('log').getByTestId('message-text').filter({ hasText: 'too early' })).toHaveCount(0);
});
