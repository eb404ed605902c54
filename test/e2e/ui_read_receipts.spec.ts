/**
 * Read receipts follow what was on screen (docs/messaging.md §Receipts and reactions), in Chromium over two
 * real profiles, the real relay and key service: Bob's receipt covers only messages his timeline showed
 * while the window had focus. Scrolled up, a new message stays "Sent" for Alice until Bob jumps down to
 * it; with the window out of focus nothing is read; with "Send read receipts" off nothing goes out and Bob
 * no longer sees Alice's receipts. The sync point for "no receipt" is a later reaction from Bob: it
 * reaches Alice after any receipt Bob's app would have sent before it.
 * Mock: the window losing focus is `document.hasFocus` answering false (Playwright keeps every page focused).
 */
import { expect, test, type Page } from '@playwright/test';
import { twoProfileHosts } from './harness';
import { aliceAndBob, startDirectMessage } from './steps';

const hosts = twoProfileHosts('ui-receipts');

const messageIn = (page: Page, text: string) =>
  page
    .getByRole('log')
    .getByTestId('message')
    .filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) });

/** Sends `text` and waits until it is at least sent: "Sent", or `readBy`'s receipt when that may come first. */
async function send(page: Page, text: string, readBy?: string): Promise<void> {
  const composer = page.getByTestId('composer-input');
  await composer.fill(text);
  await composer.press('Enter');
  // A reader looking at the conversation may send a receipt before "Sent" is ever on screen long enough to see.
  const state = readBy === undefined ? 'Sent' : new RegExp(`^(Sent|Read by ${readBy})$`);
  await expect(messageIn(page, text).getByTestId('delivery-state')).toHaveText(state, { timeout: 15_000 });
}

/** Bob reacts to a message he sees; Alice waiting for it orders everything Bob's app sent before it. */
async function syncThroughReaction(a: Page, b: Page, text: string, emoji: string): Promise<void> {
  const row = messageIn(b, text);
  await row.hover();
  await row.getByRole('button', { name: `React with ${emoji}` }).click();
  // Alice's history is windowed: a message far above her view has no row until she scrolls up to it.
  const log = a.getByTestId('message-log');
  await expect(async () => {
    if ((await messageIn(a, text).count()) > 0) return;
    await log.evaluate((el) => (el.scrollTop = Math.max(0, el.scrollTop - el.clientHeight)));
    throw new Error(`"${text}" is not rendered in Alice's view yet`);
  }).toPass({ timeout: 15_000 });
  await expect(messageIn(a, text).getByTestId('reaction').filter({ hasText: emoji })).toBeVisible({ timeout: 15_000 });
  await log.evaluate((el) => (el.scrollTop = el.scrollHeight));
}

test('receipts cover only what was on screen while the window had focus; the setting turns them off both ways', async ({ browser }) => {
  test.setTimeout(180_000);
  const { a, b } = await aliceAndBob(browser, hosts);
  await b.getByTestId('tour-skip').click();
  await b.setViewportSize({ width: 900, height: 480 });
  await startDirectMessage(a, 'bob', 'Bob');
  await expect(a.getByTestId('composer-input')).toBeEnabled({ timeout: 15_000 });
  const notes = Array.from({ length: 10 }, (_, i) => `note ${String(i + 1).padStart(2, '0')}`);
  for (const note of notes) await send(a, note);

  // Bob opens the conversation at the bottom: the newest note is on screen, Alice sees it read.
  const row = b.getByTestId('conversation-row').filter({ hasText: 'Alice' });
  if (!(await row.isVisible())) await b.reload();
  await row.click({ timeout: 15_000 });
  await expect(messageIn(b, 'note 10')).toBeVisible({ timeout: 15_000 });
  await expect(messageIn(a, 'note 10').getByTestId('delivery-state')).toHaveText('Read by Bob', { timeout: 15_000 });

  // Scrolled up to the first note, a new message arrives below, out of view: it is not read.
  await b.getByTestId('message-log').evaluate((el) => (el.scrollTop = 0));
  await expect(messageIn(b, 'note 01')).toBeInViewport();
  await send(a, 'below the fold');
  await expect(b.getByTestId('jump-newest')).toBeVisible({ timeout: 15_000 });
  await syncThroughReaction(a, b, 'note 01', '👍');
  await expect(messageIn(a, 'below the fold').getByTestId('delivery-state')).toHaveText('Sent');

  // Jumping down shows it: now it is read.
  await b.getByTestId('jump-newest').click();
  await expect(messageIn(a, 'below the fold').getByTestId('delivery-state')).toHaveText('Read by Bob', { timeout: 15_000 });

  // The window out of focus: a message on screen is not read until the window has focus again.
  await b.evaluate(() => {
    document.hasFocus = () => false;
    window.dispatchEvent(new Event('blur'));
  });
  await send(a, 'while bob looks away');
  await expect(messageIn(b, 'while bob looks away')).toBeInViewport({ timeout: 15_000 });
  await syncThroughReaction(a, b, 'while bob looks away', '🎉');
  await expect(messageIn(a, 'while bob looks away').getByTestId('delivery-state')).toHaveText('Sent');
  await b.evaluate(() => {
    document.hasFocus = () => true;
    window.dispatchEvent(new Event('focus'));
  });
  await expect(messageIn(a, 'while bob looks away').getByTestId('delivery-state')).toHaveText('Read by Bob', { timeout: 15_000 });

  // Bob's own message, read by Alice, shows her receipt while Bob sends receipts.
  await send(b, 'from bob', 'Alice');
  await expect(messageIn(a, 'from bob')).toBeVisible({ timeout: 15_000 });
  await expect(messageIn(b, 'from bob').getByTestId('delivery-state')).toHaveText('Read by Alice', { timeout: 15_000 });

  // "Send read receipts" off: nothing goes out, and Alice's receipts are not shown to Bob either.
  await b.getByRole('button', { name: 'Settings' }).click();
  const settings = b.getByRole('dialog', { name: 'Settings' });
  await settings.getByLabel('Send read receipts').uncheck();
  await b.keyboard.press('Escape');
  await expect(settings).toBeHidden();
  await expect(messageIn(b, 'from bob').getByTestId('delivery-state')).toHaveText('Sent');
  await send(a, 'receipts are off');
  await expect(messageIn(b, 'receipts are off')).toBeInViewport({ timeout: 15_000 });
  await syncThroughReaction(a, b, 'receipts are off', '❤️');
  await expect(messageIn(a, 'receipts are off').getByTestId('delivery-state')).toHaveText('Sent');
  // Bob's unread count still follows what he saw.
  await expect(b.getByTestId('conversation-row').filter({ hasText: 'Alice' }).getByTestId('unread-count')).toHaveCount(0);

  // The setting is kept by main.
  await b.reload();
  await b.getByRole('button', { name: 'Settings' }).click();
  await expect(b.getByRole('dialog', { name: 'Settings' }).getByLabel('Send read receipts')).not.toBeChecked();
});
