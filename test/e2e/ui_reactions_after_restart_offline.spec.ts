/**
 * Issue [store], reactions and read receipts after a restart with the relay stopped, in Chromium (web host,
 * main handlers, client core, keychain, the real key service and relay on loopback; the spec runs the relay
 * itself, as ui_offline.spec.ts does, so it can stop it). Bob reacts to Alice's message and reads it; Alice
 * sees both live. The relay stops; both reload (what a restart of the app is): Alice still sees Bob's
 * reaction and "Read by Bob", Bob still sees his own reaction as his — from main's encrypted store, since
 * nothing can be fetched. Before reactions and receipts were stored, the reloaded pages showed neither.
 */
import { expect, test } from '@playwright/test';
import { hostsOnOwnStack } from './harness';
import { aliceAndBob, startDirectMessage } from './steps';

const { hosts, stopRelay } = hostsOnOwnStack('ui-reactions');

test('reactions and the read state are still there after a restart with the relay stopped', async ({ browser }) => {
  test.setTimeout(180_000);
  const { a, b } = await aliceAndBob(browser, hosts);
  await startDirectMessage(a, 'bob', 'Bob');
  const composerA = a.getByTestId('composer-input');
  await expect(composerA).toBeEnabled({ timeout: 15_000 });
  await composerA.fill('shall we meet at noon');
  await composerA.press('Enter');
  const sentA = a.getByTestId('message').filter({ hasText: 'shall we meet at noon' });
  await expect(sentA.getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });

  const row = b.getByTestId('conversation-row').filter({ hasText: 'Alice' });
  if (!(await row.isVisible())) await b.reload();
  await row.click({ timeout: 15_000 });
  const receivedB = b.getByRole('log').getByTestId('message').filter({ hasText: 'shall we meet at noon' });
  await receivedB.getByRole('button', { name: 'React with 👍' }).click({ timeout: 15_000 });
  await expect(receivedB.getByTestId('reaction')).toHaveText(['👍 1'], { timeout: 15_000 });
  await expect(receivedB.getByTestId('reaction')).toHaveAttribute('aria-pressed', 'true');

  // Alice sees both live: the reaction and that Bob read it.
  await expect(sentA.getByTestId('reaction')).toHaveText(['👍 1'], { timeout: 15_000 });
  await expect(sentA.getByTestId('delivery-state')).toContainText('Read by Bob', { timeout: 15_000 });

  // The relay stops: nothing answers on its port.
  await stopRelay();

  // Both restart the app with the relay stopped.
  await a.reload();
  await a.getByTestId('conversation-row').filter({ hasText: 'Bob' }).click({ timeout: 15_000 });
  const storedA = a.getByRole('log').getByTestId('message').filter({ hasText: 'shall we meet at noon' });
  await expect(storedA).toHaveCount(1, { timeout: 15_000 });
  await expect(storedA.getByTestId('reaction')).toHaveText(['👍 1'], { timeout: 15_000 });
  await expect(storedA.getByTestId('reaction')).toHaveAttribute('aria-pressed', 'false');
  await expect(storedA.getByTestId('delivery-state')).toContainText('Read by Bob');

  await b.reload();
  await b.getByTestId('conversation-row').filter({ hasText: 'Alice' }).click({ timeout: 15_000 });
  const storedB = b.getByRole('log').getByTestId('message').filter({ hasText: 'shall we meet at noon' });
  await expect(storedB).toHaveCount(1, { timeout: 15_000 });
  await expect(storedB.getByTestId('reaction')).toHaveText(['👍 1'], { timeout: 15_000 });
  await expect(storedB.getByTestId('reaction')).toHaveAttribute('aria-pressed', 'true');
});
