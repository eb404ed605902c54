/**
 * Replies, edits and deletes for everyone in Chromium between two real profiles (web host, main handlers,
 * client core, keychain, the real key service and relay; docs/desktop.md "Replies, edits and deletes"). Bob
 * replies to Alice's message from the message menu by keyboard (Shift+F10, Enter on "Reply"): the composer
 * shows the quoted preview, the reply shows it in the timeline on both sides, and clicking the quote jumps to
 * the original. Alice edits her message ("edited" on both sides, the reply's quote follows, Alice sees the
 * previous version) and deletes another one for everyone (Bob sees "This message was deleted"). Both reload
 * (a restart): the edit, the delete and the reply are still as they were, from main's encrypted store. axe
 * finds nothing serious or critical with the reply preview open and in the timeline.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { twoProfileHosts } from './harness';
import { auditPage, registerInUi, startDirectMessage } from './steps';

const hosts = twoProfileHosts('ui-reply-edit');

const messageIn = (page: Page, text: string) =>
  page
    .getByRole('log')
    .getByTestId('message')
    .filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) });

async function pageFor(browser: Browser, url: string): Promise<Page> {
  // axe-core's Playwright binding needs a page of a context made with browser.newContext().
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  return page;
}

async function send(page: Page, text: string): Promise<void> {
  const composer = page.getByTestId('composer-input');
  await composer.fill(text);
  await composer.press('Enter');
}

async function openWith(page: Page, name: string): Promise<void> {
  const row = page.getByTestId('conversation-row').filter({ hasText: name });
  if (!(await row.isVisible())) await page.reload();
  await row.click({ timeout: 15_000 });
}

test('reply, edit and delete for everyone reach the other side and survive a restart', async ({ browser }) => {
  test.setTimeout(180_000);
  const a = await pageFor(browser, hosts.alice.url);
  const b = await pageFor(browser, hosts.bob.url);
  await registerInUi(a, 'alice', 'Alice');
  await registerInUi(b, 'bob', 'Bob');
  await startDirectMessage(a, 'bob', 'Bob');
  await expect(a.getByTestId('composer-input')).toBeEnabled({ timeout: 15_000 });
  await send(a, 'lunch at noon?');
  await send(a, 'wrong chat, sorry');
  await expect(messageIn(a, 'wrong chat, sorry').getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });

  // Bob replies by keyboard: Shift+F10 on "More actions", Enter on the first item ("Reply").
  await openWith(b, 'Alice');
  const lunchB = messageIn(b, 'lunch at noon?');
  await expect(lunchB).toBeVisible({ timeout: 15_000 });
  await lunchB.getByRole('button', { name: 'More actions' }).focus();
  await b.keyboard.press('Shift+F10');
  const menuB = b.getByRole('menu');
  await expect(menuB.getByRole('menuitem').first()).toHaveText('Reply');
  await expect(menuB.getByRole('menuitem', { name: 'Edit' })).toHaveCount(0); // not his message
  await expect(menuB.getByRole('menuitem', { name: 'Delete for everyone' })).toHaveCount(0);
  await b.keyboard.press('Enter');
  await expect(b.getByTestId('composer-context')).toContainText('Replying to Alice');
  await expect(b.getByTestId('composer-context-text')).toHaveText('lunch at noon?');
  await auditPage(b, 'the composer replying');
  await b.getByTestId('composer-input').focus();
  await b.keyboard.type('yes, see you there');
  await b.keyboard.press('Enter');
  await expect(b.getByTestId('composer-context')).toHaveCount(0);
  const replyB = messageIn(b, 'yes, see you there');
  await expect(replyB.getByTestId('reply-quote')).toContainText('lunch at noon?', { timeout: 15_000 });

  // Alice sees the reply with its quote; clicking the quote jumps to the original.
  const replyA = messageIn(a, 'yes, see you there');
  await expect(replyA.getByTestId('reply-quote')).toContainText('lunch at noon?', { timeout: 15_000 });
  await replyA.getByTestId('reply-quote').click();
  const revealed = a.getByRole('log').locator('[data-revealed]');
  await expect(revealed.getByTestId('message-text')).toHaveText('lunch at noon?');
  await expect(revealed).toBeFocused();
  await auditPage(a, 'a reply in the timeline');

  // Alice edits her message: the menu's Edit puts its text in the composer.
  await messageIn(a, 'lunch at noon?').getByRole('button', { name: 'More actions' }).click();
  await a.getByRole('menu').getByRole('menuitem', { name: 'Edit' }).click();
  await expect(a.getByTestId('composer-context')).toContainText('Editing your message');
  await expect(a.getByTestId('composer-input')).toHaveValue('lunch at noon?');
  await send(a, 'lunch at 12:30?');
  const editedA = messageIn(a, 'lunch at 12:30?');
  await expect(editedA.getByTestId('edited-label')).toBeVisible({ timeout: 15_000 });
  await editedA.getByTestId('edited-label').click();
  await expect(editedA.getByTestId('message-versions')).toContainText('lunch at noon?');

  // Alice deletes the other one for everyone.
  await messageIn(a, 'wrong chat, sorry').getByRole('button', { name: 'More actions' }).click();
  await a.getByRole('menu').getByRole('menuitem', { name: 'Delete for everyone' }).click();
  // Asked first, Cancel focused; Escape keeps the message; the second time it is confirmed.
  const confirm = a.getByRole('dialog', { name: 'Delete for everyone?' });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await a.keyboard.press('Escape');
  await expect(confirm).toBeHidden();
  await expect(a.getByRole('log').getByTestId('message-text').filter({ hasText: 'wrong chat, sorry' })).toBeVisible();
  await messageIn(a, 'wrong chat, sorry').getByRole('button', { name: 'More actions' }).click();
  await a.getByRole('menu').getByRole('menuitem', { name: 'Delete for everyone' }).click();
  await confirm.getByRole('button', { name: 'Delete for everyone', exact: true }).click();
  await expect(a.getByTestId('message-deleted')).toHaveText('This message was deleted', { timeout: 15_000 });

  // Bob sees the edit (and his reply's quote follows it) and the delete.
  const editedB = messageIn(b, 'lunch at 12:30?');
  await expect(editedB.getByTestId('edited-label')).toHaveText('edited', { timeout: 15_000 });
  await expect(replyB.getByTestId('reply-quote')).toContainText('lunch at 12:30?');
  await expect(b.getByTestId('message-deleted')).toHaveText('This message was deleted', { timeout: 15_000 });
  await expect(b.getByRole('log').getByText('wrong chat, sorry')).toHaveCount(0);

  // A restart of both: the same, from main's encrypted store.
  for (const [page, peer] of [
    [a, 'Bob'],
    [b, 'Alice'],
  ] as const) {
    await page.reload();
    await openWith(page, peer);
    await expect(messageIn(page, 'lunch at 12:30?').getByTestId('edited-label')).toBeVisible({ timeout: 15_000 });
    await expect(messageIn(page, 'lunch at noon?')).toHaveCount(0);
    await expect(page.getByTestId('message-deleted')).toHaveText('This message was deleted');
    await expect(page.getByRole('log').getByText('wrong chat, sorry')).toHaveCount(0);
    await expect(messageIn(page, 'yes, see you there').getByTestId('reply-quote')).toContainText('lunch at 12:30?');
  }
});
