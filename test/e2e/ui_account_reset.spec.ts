/**
 * The last resort, in Chromium over the real messenger core, key service and relay of the embedded local
 * stack (docs/desktop.md "Recovery key", docs/protocol.md §18.9): Alice chats with Bob and has no recovery
 * key. On a new profile, under the restore form, "Lost your recovery key too?" keeps its button off until
 * the phrase is typed; while her laptop is still signed in the reset only waits (docs/protocol.md §18.9
 * "The waiting period"): the new profile shows until when, her laptop shows the warning banner, an early
 * finish is refused with a sentence, and once her laptop cancels it the finish is refused for good; after
 * she signs out there, a reset signs the new profile in as Alice at once, and Bob's chat shows that her
 * identity changed. The section passes an axe-core
 * audit (nothing serious or critical).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { WebHost } from '../../src/main/webHost/server';
import { startAppHost } from './harness';
import { registerInUi, startDirectMessage } from './steps';

const password = 'correct horse battery';
const home = mkdtempSync(join(tmpdir(), 'seed-e2e-reset-'));
const hosts: WebHost[] = [];

test.afterAll(async () => {
  for (const h of hosts.reverse()) await h.close();
});

async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  return page;
}

test('a lost account is reset only with the typed phrase, waiting while a device is signed in; the contact sees the identity change', async ({ browser }) => {
  test.setTimeout(180_000);
  const [alice, bob, fresh] = [
    await startAppHost('ui-reset-alice', { core: { home } }),
    await startAppHost('ui-reset-bob', { core: { home } }),
    await startAppHost('ui-reset-alice-new', { core: { home } }),
  ];
  hosts.push(alice, bob, fresh);
  const a = await openPage(browser, alice.url);
  const b = await openPage(browser, bob.url);
  await registerInUi(a, 'alice', 'Alice');
  await registerInUi(b, 'bob', 'Bob');
  await startDirectMessage(b, 'alice', 'Alice');
  await expect(b.getByTestId('composer-input')).toBeEnabled({ timeout: 15_000 });
  await b.getByTestId('composer-input').fill('before the reset');
  await b.getByTestId('composer-input').press('Enter');
  await expect(b.getByTestId('message').filter({ hasText: 'before the reset' }).getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });

  const n = await openPage(browser, fresh.url);
  await n.getByRole('tab', { name: 'Use recovery key' }).click();
  const form = n.getByTestId('restore-form');
  await form.getByLabel('Username').fill('alice');
  await form.getByLabel('Password').fill(password);
  await form.getByLabel('Device name').fill('New laptop');
  const section = form.getByTestId('account-reset');
  await section.locator('summary').click();
  await expect(section).toContainText('everyone you talk to is told that your safety number changed');
  const submit = section.getByTestId('account-reset-submit');
  await expect(submit).toBeDisabled();
  await section.getByTestId('account-reset-phrase').fill('reset my');
  await expect(submit).toBeDisabled();
  await section.getByTestId('account-reset-phrase').fill('reset my account');
  await expect(submit).toBeEnabled();
  const result = await new AxeBuilder({ page: n }).analyze();
  expect(result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // Her laptop is still signed in: the reset waits, her laptop is warned, and finishing early is refused.
  await submit.click();
  await expect(section).toHaveAttribute('data-state', 'waiting', { timeout: 30_000 });
  await expect(section.getByTestId('account-reset-waiting')).toContainText('unless a signed-in device cancels it');
  await expect(a.getByTestId('pending-reset-banner')).toContainText('A reset of your account was requested on', { timeout: 30_000 });
  await expect(a.getByTestId('pending-reset-banner')).toContainText('New laptop');
  await section.getByTestId('account-reset-finish').click();
  await expect(form.getByTestId('restore-error')).toHaveAttribute('data-code', 'reset_waiting', { timeout: 30_000 });
  await expect(form.getByTestId('restore-error').locator('.error-sentence')).toHaveText(/^Your reset is still waiting/);

  // Her laptop cancels it: the laptop says what to do next, and the new profile's finish is refused.
  await a.getByTestId('pending-reset-cancel').click();
  await expect(a.getByTestId('pending-reset-banner')).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 });
  await expect(a.getByTestId('pending-reset-banner')).toContainText('change your password');
  await section.getByTestId('account-reset-finish').click();
  await expect(form.getByTestId('restore-error')).toHaveAttribute('data-code', 'reset_cancelled', { timeout: 30_000 });
  await expect(section.getByTestId('account-reset-phrase')).toHaveCount(1);

  // She signs out of it (her last device: the dialog makes her say she understands): nothing objects any
  // more, and a reset asked for now happens at once.
  await a.getByTestId('sign-out').click();
  await a.getByTestId('confirm-last-device').check({ timeout: 15_000 });
  await a.getByTestId('confirm-sign-out').click();
  await expect(a.getByTestId('signed-in-as')).toHaveCount(0, { timeout: 30_000 });

  if ((await section.getAttribute('open')) === null) await section.locator('summary').click();
  await section.getByTestId('account-reset-phrase').fill('reset my account');
  await submit.click();
  await expect(n.getByTestId('signed-in-as')).toContainText('Alice', { timeout: 30_000 });

  // Bob's chat with her says her identity changed and holds his composer until he accepts the new key.
  await b.reload();
  await b.getByTestId('conversation-row').filter({ hasText: 'Alice' }).click({ timeout: 15_000 });
  await expect(b.getByTestId('identity-changed-banner')).toBeVisible({ timeout: 30_000 });
});
