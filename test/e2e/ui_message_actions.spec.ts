/**
 * Message actions in Chromium over two real profiles, the real relay and key service (docs/desktop.md
 * "Message actions"): every message has a "More actions" button (shown on hover or focus) that opens a
 * menu, as do a right-click and Shift+F10; the menu is keyboard operable (arrows, Escape gives focus back)
 * and offers React, Copy text, Forward… and, for a send that failed, Delete. Copy puts the text on the
 * clipboard; Forward sends it as a new message to another conversation, labelled "Forwarded" for Alice
 * only (Bob sees an ordinary message); Delete removes the failed send. The failed send is made by the
 * relay refusing Alice's publish (a Playwright route answers 400 for /publish/).
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { twoProfileHosts } from './harness';
import { registerInUi, startDirectMessage } from './steps';

const hosts = twoProfileHosts('ui-actions');

const messageIn = (page: Page, text: string) =>
  page
    .getByRole('log')
    .getByTestId('message')
    .filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) });

async function pageFor(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

async function send(page: Page, text: string): Promise<void> {
  const composer = page.getByTestId('composer-input');
  await composer.fill(text);
  await composer.press('Enter');
}

test('react, copy, forward and delete a failed send from the message menu, by mouse and keyboard', async ({ browser }) => {
  test.setTimeout(150_000);
  const a = await pageFor(browser, hosts.alice.url);
  const b = await pageFor(browser, hosts.bob.url);
  await registerInUi(a, 'alice', 'Alice');
  await registerInUi(b, 'bob', 'Bob');

  // Two conversations with Bob: a group "Team" (the forward target) and the direct message.
  await a.getByTestId('new-conversation').click();
  const dialog = a.getByRole('dialog', { name: 'New conversation' });
  await dialog.getByTestId('kind-group').check();
  await dialog.getByTestId('group-name').fill('Team');
  await dialog.getByTestId('user-search').fill('bob');
  await dialog.getByTestId('user-result').check();
  await dialog.getByTestId('create-conversation').click();
  await expect(a.getByTestId('chat-title')).toHaveText('Team');
  await startDirectMessage(a, 'bob', 'Bob');
  await expect(a.getByTestId('composer-input')).toBeEnabled({ timeout: 15_000 });
  await send(a, 'the plan is on the wiki');
  const message = messageIn(a, 'the plan is on the wiki');
  await expect(message.getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });

  // Keyboard: Shift+F10 on the focused "More actions" button opens the menu on its first item; Escape gives focus back.
  const more = message.getByRole('button', { name: 'More actions' });
  await more.focus();
  await a.keyboard.press('Shift+F10');
  const menu = a.getByRole('menu');
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('menuitem').first()).toBeFocused();
  await a.keyboard.press('End');
  await expect(menu.getByRole('menuitem', { name: 'Delete for me' })).toBeFocused();
  await a.keyboard.press('ArrowUp');
  await expect(menu.getByRole('menuitem', { name: 'Delete for everyone' })).toBeFocused();
  await a.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(more).toBeFocused();

  // Copy text (Enter on the focused item) puts the text on the clipboard.
  await a.keyboard.press('Enter');
  await expect(menu).toBeVisible();
  await menu.getByRole('menuitem', { name: 'Copy text' }).focus();
  await a.keyboard.press('Enter');
  await expect(menu).toBeHidden();
  await expect.poll(() => a.evaluate(() => navigator.clipboard.readText())).toBe('the plan is on the wiki');

  // Right-click: React.
  await message.getByTestId('message-text').click({ button: 'right' });
  await menu.getByRole('menuitem', { name: 'React with 🎉' }).click();
  await expect(message.getByTestId('reaction').filter({ hasText: '🎉' })).toBeVisible({ timeout: 15_000 });

  // Forward to Team: Alice sees it labelled, Bob sees an ordinary message.
  await message.getByRole('button', { name: 'More actions' }).click();
  await menu.getByRole('menuitem', { name: 'Forward…' }).click();
  const forward = a.getByRole('dialog', { name: 'Forward message' });
  await expect(forward.getByTestId('forward-text')).toHaveText('the plan is on the wiki');
  await forward.getByLabel('Team').check();
  await forward.getByTestId('forward-send').click();
  await expect(forward).toBeHidden({ timeout: 15_000 });
  await a.getByTestId('conversation-row').filter({ hasText: 'Team' }).click();
  const forwarded = messageIn(a, 'the plan is on the wiki');
  await expect(forwarded.getByTestId('forwarded-label')).toHaveText('↪ Forwarded');
  await expect(forwarded.getByTestId('delivery-state')).toHaveText(/Sent|Read by Bob/, { timeout: 15_000 });
  const team = b.getByTestId('conversation-row').filter({ hasText: 'Team' });
  if (!(await team.isVisible())) await b.reload();
  await team.click({ timeout: 15_000 });
  await expect(messageIn(b, 'the plan is on the wiki')).toBeVisible({ timeout: 15_000 });
  await expect(messageIn(b, 'the plan is on the wiki').getByTestId('forwarded-label')).toHaveCount(0);

  // A send the relay refuses fails; its menu offers Delete, which removes it.
  await a.route('**/publish/**', (route) => route.fulfill({ status: 400, contentType: 'application/json', body: '[0,"Invalid","0"]' }));
  await send(a, 'this one will fail');
  const failed = messageIn(a, 'this one will fail');
  await expect(failed.getByTestId('delivery-state')).toHaveText('Not sent', { timeout: 15_000 });
  await failed.getByRole('button', { name: 'More actions' }).click();
  await menu.getByRole('menuitem', { name: 'Delete', exact: true }).click();
  await expect(failed).toHaveCount(0);
  await a.unroute('**/publish/**');
});
