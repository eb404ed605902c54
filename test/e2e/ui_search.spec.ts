/**
 * Message search in Chromium (issue [store], docs/desktop.md "Search"): Bob's main keeps what he read in
 * its encrypted store; Ctrl+F searches it — by a word, by "cafe" for "café", by a two-character Japanese
 * term inside a sentence without spaces — and shows the conversation, sender and snippet with the match in
 * <mark>; Enter on a result jumps to the message (its conversation opens and the message is scrolled into
 * view, highlighted and focused). A word nowhere says so in plain language. Ctrl+K jumps to a conversation by name.
 * Real Chromium, web host, main handlers, client core, keychain, key service and relay (embedded stack).
 */
import { expect, test } from '@playwright/test';
import { twoProfileHosts } from './harness';
import { aliceAndBob, startDirectMessage } from './steps';

const hosts = twoProfileHosts('ui-search');

test('search finds a message by a word and by a CJK term; Enter jumps to it; Ctrl+K switches conversation', async ({ browser }) => {
  test.setTimeout(150_000);
  const { a, b } = await aliceAndBob(browser, hosts);
  await startDirectMessage(a, 'bob', 'Bob');

  const texts = ['The quarterly budget review is on Thursday', '明日の会議は東京で行います', 'See you at the café after lunch'];
  const composerA = a.getByTestId('composer-input');
  await expect(composerA).toBeEnabled({ timeout: 15_000 });
  for (const text of texts) {
    await composerA.fill(text);
    await composerA.press('Enter');
    await expect(a.getByTestId('message').filter({ hasText: text }).getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });
  }

  const row = b.getByTestId('conversation-row').filter({ hasText: 'Alice' });
  if (!(await row.isVisible())) await b.reload();
  await row.click({ timeout: 15_000 });
  await expect(b.getByRole('log').getByTestId('message-text')).toHaveText(texts, { timeout: 15_000 });
  // Somewhere else first, so the jump has to open the conversation.
  await b.getByTestId('composer-input').focus();

  // Ctrl+F: search this conversation.
  await b.keyboard.press('Control+f');
  const dialog = b.getByRole('dialog', { name: 'Search messages' });
  await expect(dialog).toBeVisible();
  const input = dialog.getByRole('combobox', { name: 'Search messages' });
  await expect(input).toBeFocused();

  await input.fill('budget');
  const results = dialog.getByRole('option');
  await expect(results).toHaveCount(1, { timeout: 15_000 });
  await expect(results.first()).toContainText('Alice');
  await expect(results.first().locator('mark')).toHaveText(['budget']);
  await expect(results.first().getByTestId('search-snippet')).toHaveText(texts[0]!);

  await input.fill('cafe');
  await expect(results.first().locator('mark')).toHaveText(['café'], { timeout: 15_000 });

  await input.fill('zeppelin');
  await expect(dialog.getByTestId('search-status')).toHaveText('No messages match “zeppelin” in this conversation.', { timeout: 15_000 });
  await expect(results).toHaveCount(0);

  // A two-character Japanese term inside a sentence without spaces, across all conversations.
  await dialog.getByLabel(/Search all conversations/).check();
  await input.fill('東京');
  await expect(results).toHaveCount(1, { timeout: 15_000 });
  await expect(results.first().locator('mark')).toHaveText(['東京']);
  await expect(dialog.getByTestId('search-status')).toHaveText('1 message found in your conversations.');

  // Enter jumps to the message: its conversation opens, the dialog closes, and the message is in view,
  // highlighted, focused and announced.
  await input.press('Enter');
  await expect(dialog).toBeHidden({ timeout: 15_000 });
  await expect(b.getByTestId('chat-title')).toHaveText('Alice');
  const revealed = b.getByRole('log').locator('[data-revealed]');
  await expect(revealed.getByTestId('message-text')).toHaveText(texts[1]!);
  await expect(revealed).toBeInViewport();
  await expect(revealed).toBeFocused();
  await expect(b.getByTestId('jump-announcement')).toHaveText(/^Showing the message from Alice on .+ in Alice\.$/);

  // Ctrl+K: the quick switcher, keyboard only.
  await a.keyboard.press('Control+k');
  const switcher = a.getByRole('dialog', { name: 'Go to conversation' });
  await expect(switcher).toBeVisible();
  await switcher.getByRole('combobox', { name: 'Conversation name' }).fill('bo');
  await expect(switcher.getByRole('option')).toHaveText([/Bob/]);
  await a.keyboard.press('Enter');
  await expect(switcher).toBeHidden();
  await expect(a.getByTestId('chat-title')).toHaveText('Bob');
});
