/**
 * Two profiles chat end to end in Chromium over the real messenger core, key service and relay of the
 * embedded local stack: Alice starts a DM with Bob; messages go both ways through the renderer's pipeline
 * (real `pubnub` browser SDK, sealing and opening in main); HTML arrives as text; Bob's reply shows Alice's
 * read receipt; the conversation list previews the newest message; signing out asks first, then unlinks.
 */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { twoProfileHosts } from './harness';
import { aliceAndBob, startDirectMessage } from './steps';

const shots = join(__dirname, '../../test-results/screenshots');
const hosts = twoProfileHosts('ui-two');

test('alice and bob message both ways; HTML is text; read receipt and preview', async ({ browser }) => {
  test.setTimeout(120_000);
  const { a, b } = await aliceAndBob(browser, hosts);

  await startDirectMessage(a, 'bob', 'Bob');

  const hostile = 'hello bob <img src=x onerror="window.__pwned=1">';
  const composerA = a.getByTestId('composer-input');
  await expect(composerA).toBeEnabled({ timeout: 15_000 });
  await composerA.fill(hostile);
  await composerA.press('Enter');
  const sent = a.getByTestId('message').filter({ hasText: 'hello bob' });
  await expect(sent.getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });

  const row = b.getByTestId('conversation-row').filter({ hasText: 'Alice' });
  if (!(await row.isVisible())) await b.reload();
  await row.click({ timeout: 15_000 });
  const received = b.getByRole('log').getByTestId('message').filter({ hasText: 'hello bob' });
  await expect(received.getByTestId('message-text')).toHaveText(hostile, { timeout: 15_000 });
  await expect(received).toContainText('Alice');
  expect(await received.locator('img').count()).toBe(0);
  expect(await b.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

  const composerB = b.getByTestId('composer-input');
  await composerB.fill('hi alice');
  await composerB.press('Enter');
  await expect(a.getByRole('log').getByTestId('message-text').filter({ hasText: 'hi alice' })).toBeVisible({ timeout: 15_000 });
  await expect(a.getByTestId('conversation-row')).toContainText('hi alice');
  const reply = b.getByRole('log').getByTestId('message').filter({ hasText: 'hi alice' });
  await expect(reply.getByTestId('delivery-state')).toHaveText('Read by Alice', { timeout: 15_000 });
  await a.screenshot({ path: join(shots, 'ui-two-profiles-alice.png'), fullPage: true });
  await b.screenshot({ path: join(shots, 'ui-two-profiles-bob.png'), fullPage: true });

  // Signing out unlinks the device, so it asks first; Cancel keeps Bob signed in.
  await b.getByTestId('sign-out').click();
  const confirm = b.getByRole('dialog', { name: 'Sign out and unlink this device?' });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(b.getByTestId('signed-in-as')).toContainText('Bob');
  await b.getByTestId('sign-out').click();
  // Bob's only device: the dialog warns that the account is lost and wants an explicit tick first.
  await b.getByTestId('confirm-last-device').check();
  await b.getByTestId('confirm-sign-out').click();
  await expect(b.getByTestId('onboarding')).toBeVisible({ timeout: 15_000 });
});
