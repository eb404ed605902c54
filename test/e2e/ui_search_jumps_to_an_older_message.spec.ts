/**
 * Jump to a search hit in the timeline (issue [store], docs/desktop.md "Search"), in Chromium: Bob read 41
 * messages from Alice, so main's encrypted store holds them all; after a restart his conversation shows the
 * newest stored page, without the first message. He searches a word of that first message and opens the
 * hit: the conversation loads stored pages back to it (the timeline stays contiguous), the dialog closes,
 * and the message is in view, highlighted, focused and announced. Real Chromium, web host, main handlers,
 * client core, keychain, key service and relay (embedded local stack).
 */
import { expect, test } from '@playwright/test';
import { twoProfileHosts } from './harness';
import { aliceAndBob, startDirectMessage } from './steps';

const hosts = twoProfileHosts('ui-search-jump');

test('opening a hit on an older message loads the timeline back to it and shows it highlighted', async ({ browser }) => {
  test.setTimeout(180_000);
  const { a, b } = await aliceAndBob(browser, hosts);
  await startDirectMessage(a, 'bob', 'Bob');
  const composerA = a.getByTestId('composer-input');
  await expect(composerA).toBeEnabled({ timeout: 15_000 });
  const first = 'the zeppelin leaves from the north field at dawn';
  await composerA.fill(first);
  await composerA.press('Enter');
  await expect(a.getByTestId('message').filter({ hasText: first }).getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });

  // Bob has the conversation open and reads everything live (so his store keeps every message).
  const row = b.getByTestId('conversation-row').filter({ hasText: 'Alice' });
  if (!(await row.isVisible())) await b.reload();
  await row.click({ timeout: 15_000 });
  await expect(b.getByRole('log').getByTestId('message-text').first()).toHaveText(first, { timeout: 15_000 });
  const later = Array.from({ length: 40 }, (_, i) => `later message number ${i + 1}`);
  for (const text of later) {
    await composerA.fill(text);
    await composerA.press('Enter');
    await expect(a.getByTestId('message').filter({ hasText: text }).getByTestId('delivery-state')).toHaveText(/Sent|Read/, { timeout: 15_000 });
  }
  await expect(b.getByRole('log').getByTestId('message-text').last()).toHaveText(later.at(-1)!, { timeout: 30_000 });

  // A restart: the conversation shows the newest stored page; the first message is not in the timeline.
  await b.reload();
  await b.getByTestId('conversation-row').filter({ hasText: 'Alice' }).click({ timeout: 15_000 });
  const log = b.getByRole('log');
  await expect(log.getByTestId('message-text').last()).toHaveText(later.at(-1)!, { timeout: 15_000 });
  await expect(log.getByTestId('message-text').filter({ hasText: 'zeppelin' })).toHaveCount(0);

  await b.keyboard.press('Control+f');
  const dialog = b.getByRole('dialog', { name: 'Search messages' });
  const input = dialog.getByRole('combobox', { name: 'Search messages' });
  await input.fill('zeppelin');
  await expect(dialog.getByRole('option')).toHaveCount(1, { timeout: 15_000 });
  await dialog.getByRole('option').first().click();

  await expect(dialog).toBeHidden({ timeout: 30_000 });
  const revealed = log.locator('[data-revealed]');
  await expect(revealed.getByTestId('message-text')).toHaveText(first);
  await expect(revealed).toBeInViewport();
  await expect(revealed).toBeFocused();
  await expect(b.getByTestId('jump-announcement')).toHaveText(/^Showing the message from Alice on .+ in Alice\.$/);
  // The timeline is contiguous: the rows the list renders from the top are the first message and the ones after it, in order.
  const shown = log.getByTestId('message-text');
  await expect(shown.first()).toHaveText(first);
  await expect(shown.nth(1)).toHaveText(later[0]!);
  await expect(shown.nth(2)).toHaveText(later[1]!);
});
