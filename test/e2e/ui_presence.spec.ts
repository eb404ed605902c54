/**
 * Presence in Chromium (docs/messaging.md "Presence") over the real messenger core, key service and relay of
 * the embedded local stack, with the real `pubnub` browser SDK in each page: Alice opens a direct conversation
 * with Bob and sees him online (the dot on his avatar in the header and in the list); Bob sets a status text
 * in settings and Alice reads it — sealed in Bob's main, opened and verified in Alice's; Bob's page closes and
 * Alice sees him offline with the time he was last seen. The presence timeout is the SDK's shortest (20 s,
 * `SEED_PRESENCE_TIMEOUT_S`), so "offline" comes from the relay's timeout, waited for with auto-wait.
 */
import { expect, test } from '@playwright/test';
import { twoProfileHosts } from './harness';
import { aliceAndBob, startDirectMessage } from './steps';

// Read by main's presence handlers when the hosts start (beforeAll).
process.env.SEED_PRESENCE_TIMEOUT_S = '20';
const hosts = twoProfileHosts('ui-presence');

test('alice sees bob online, his encrypted status, then offline with last seen when his page closes', async ({ browser }) => {
  test.setTimeout(150_000);
  const { a, b } = await aliceAndBob(browser, hosts);
  await startDirectMessage(a, 'bob', 'Bob');
  const composer = a.getByTestId('composer-input');
  await expect(composer).toBeEnabled({ timeout: 15_000 });
  await composer.fill('are you there?');
  await composer.press('Enter');

  // Bob's window lists the conversation (and so follows its channel): he is present there.
  const row = b.getByTestId('conversation-row').filter({ hasText: 'Alice' });
  if (!(await row.isVisible())) await b.reload();
  await row.click({ timeout: 15_000 });
  await expect(b.getByRole('log').getByTestId('message-text').filter({ hasText: 'are you there?' })).toBeVisible({ timeout: 15_000 });

  const header = a.getByTestId('chat').locator('header');
  await expect(header.getByRole('img', { name: 'Online' })).toBeVisible({ timeout: 30_000 });
  const listDot = a.getByTestId('conversation-row').filter({ hasText: 'Bob' }).getByTestId('presence');
  await expect(listDot).toHaveAttribute('data-state', 'online');
  // Alice sees her own presence nowhere: only the peer's.
  await expect(b.getByTestId('chat').locator('header').getByRole('img', { name: 'Online' })).toBeVisible({ timeout: 30_000 });

  // Bob's status text travels sealed and signed; Alice's main verifies it before it is shown.
  await b.getByRole('button', { name: 'Settings' }).click();
  const settings = b.getByRole('dialog', { name: 'Settings' });
  await settings.getByLabel('Status').fill('Reviewing the budget');
  await settings.getByTestId('status-save').click();
  await expect(a.getByTestId('presence-text')).toHaveText('Reviewing the budget', { timeout: 30_000 });

  // Bob's page closes: the relay times him out and Alice sees when he was last seen.
  await b.context().close();
  await expect(header.getByRole('img', { name: /^Offline, last seen \d\d:\d\d$/ })).toBeVisible({ timeout: 60_000 });
  await expect(listDot).toHaveAttribute('data-state', 'offline');
  await expect(a.getByTestId('presence-text')).toHaveCount(0);
});
