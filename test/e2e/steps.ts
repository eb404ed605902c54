/** Steps several Chromium specs share, written the way a person uses the UI. */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Browser, type Page } from '@playwright/test';

/** Creates an account on the onboarding screen and waits until the messenger shows the user signed in. */
export async function registerInUi(page: Page, username: string, displayName: string, deviceName?: string): Promise<void> {
  await page.getByRole('tab', { name: 'Create account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password (at least 10 characters)').fill('correct horse battery');
  if (deviceName !== undefined) await page.getByLabel('Device name').fill(deviceName);
  await page.getByTestId('register-submit').click();
  await expect(page.getByTestId('signed-in-as')).toContainText(`${displayName} (@${username})`, { timeout: 30_000 });
}

/** Starts a DM from the "New conversation" dialog: search `search`, pick the one result, wait for the chat `title`. */
export async function startDirectMessage(page: Page, search: string, title: string): Promise<void> {
  await page.getByTestId('new-conversation').click();
  const dialog = page.getByRole('dialog', { name: 'New conversation' });
  await dialog.getByTestId('user-search').fill(search);
  await dialog.getByTestId('user-result').check();
  await dialog.getByTestId('create-conversation').click();
  await expect(page.getByTestId('chat-title')).toHaveText(title);
}

/** Two pages, Alice's and Bob's, each registered on its own host (the start of the two-profile specs). */
export async function aliceAndBob(browser: Browser, hosts: { alice: { url: string }; bob: { url: string } }): Promise<{ a: Page; b: Page }> {
  const a = await browser.newPage();
  const b = await browser.newPage();
  await a.goto(hosts.alice.url);
  await b.goto(hosts.bob.url);
  await registerInUi(a, 'alice', 'Alice');
  await registerInUi(b, 'bob', 'Bob');
  return { a, b };
}

/**
 * A direct conversation both ways: page `a` starts it with `search` (titled `title`), sends `first` and sees it
 * "Sent"; page `b` opens the conversation whose row names `bRow`, reads it and answers `reply`, which `a` reads.
 */
export async function chatBothWays(a: Page, b: Page, opts: { search: string; title: string; bRow: string; first: string; reply: string }): Promise<void> {
  await startDirectMessage(a, opts.search, opts.title);
  const composer = a.getByTestId('composer-input');
  await expect(composer).toBeEnabled({ timeout: 15_000 });
  await composer.fill(opts.first);
  await composer.press('Enter');
  await expect(a.getByTestId('message').filter({ hasText: opts.first }).getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });
  const row = b.getByTestId('conversation-row').filter({ hasText: opts.bRow });
  if (!(await row.isVisible())) await b.reload();
  await row.click({ timeout: 15_000 });
  await expect(b.getByRole('log').getByTestId('message-text').filter({ hasText: opts.first })).toBeVisible({ timeout: 15_000 });
  await b.getByTestId('composer-input').fill(opts.reply);
  await b.getByTestId('composer-input').press('Enter');
  await expect(a.getByRole('log').getByTestId('message-text').filter({ hasText: opts.reply })).toBeVisible({ timeout: 15_000 });
}

/** axe-core over the whole page: nothing serious or critical (the page must come from `browser.newContext()`). */
export async function auditPage(page: Page, view: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `axe violations in ${view}`).toEqual([]);
}
