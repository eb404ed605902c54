/**
 * Issue [chat] in Chromium over the real messenger core and the embedded local stack: Alice mutes a group;
 * Bob's ordinary message there neither notifies her nor counts on her badge, but his `@alice` — picked
 * from the composer's member list — does, and shows highlighted; the "Mentions" filter lists the group.
 * Alice pins a conversation and marks one unread from the row's options (mouse and keyboard); opening it
 * takes the mark off. Her half-written text is kept by main's encrypted store (read here with the
 * keychain's key) and is back in the composer after a reload, as mute and pin are. Alice's desktop shell
 * records what main was asked to notify.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import keytar from 'keytar';
import { STORE_FILE, STORE_KEY_ACCOUNT } from '../../src/client';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { RecordingShell } from '../../src/main/desktop/shell';
import { profilePaths } from '../../src/main/profile';
import type { WebHost } from '../../src/main/webHost/server';
import { decryptedStoreBytes } from '../client/sqlcipherScan';
import { startAppHost } from './harness';
import { aliceAndBob, startDirectMessage } from './steps';

const PREFIX = `ui-mention-${randomBytes(3).toString('hex')}`;
const aliceShell = new RecordingShell();
const hosts = {} as { alice: WebHost; bob: WebHost };
let home = '';

test.beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), `seed-${PREFIX}-`));
  hosts.alice = await startAppHost(`${PREFIX}-alice`, { core: { home }, shell: aliceShell });
  hosts.bob = await startAppHost(`${PREFIX}-bob`, { core: { home } });
});
test.afterAll(async () => {
  await hosts.bob?.close();
  await hosts.alice?.close();
});

async function aliceStoreHolds(text: string): Promise<boolean> {
  const paths = profilePaths(home, `${PREFIX}-alice`);
  const key = await keytar.getPassword(paths.keychainService, STORE_KEY_ACCOUNT);
  if (key === null) return false;
  return decryptedStoreBytes(join(paths.dir, STORE_FILE), fromBase64Url(key)).includes(text);
}

/** The row whose title is `name` (a preview may name someone too). */
const row = (page: Page, name: string) =>
  page.getByTestId('conversation-row').filter({ has: page.locator('.conversation-title', { hasText: new RegExp(`^${name}(\\s|$)`) }) });

async function rowOption(page: Page, name: string, option: string): Promise<void> {
  const item = page.getByRole('listitem').filter({ has: row(page, name) });
  await item.hover();
  await item.getByTestId('row-more').click();
  await page.getByRole('menuitem', { name: option }).click();
}

test('a muted group notifies only a mention; pin, mark unread and a draft kept across a reload', async ({ browser }) => {
  test.setTimeout(150_000);
  const { a, b } = await aliceAndBob(browser, hosts);
  // Both close the first-run tour (it sits over the lower rows of the list).
  for (const page of [a, b]) await page.getByTestId('tour-skip').click();
  await startDirectMessage(a, 'bob', 'Bob');
  await a.getByTestId('new-conversation').click();
  const dialog = a.getByRole('dialog', { name: 'New conversation' });
  await dialog.getByTestId('kind-group').check();
  await dialog.getByTestId('group-name').fill('Launch');
  await dialog.getByTestId('user-search').fill('bob');
  await dialog.getByTestId('user-result').check();
  await dialog.getByTestId('create-conversation').click();
  await expect(a.getByTestId('chat-title')).toHaveText('Launch');

  // Alice mutes the group, then looks at the DM.
  await rowOption(a, 'Launch', 'Mute notifications');
  await expect(row(a, 'Launch').getByTestId('row-muted')).toBeVisible();
  await row(a, 'Bob').click();
  await expect(a.getByTestId('chat-title')).toHaveText('Bob');

  // Bob writes in the group: nothing notifies Alice, and her badge stays at 0 (the row counts it quietly).
  if (!(await row(b, 'Launch').isVisible())) await b.reload();
  await row(b, 'Launch').click({ timeout: 15_000 });
  const composer = b.getByTestId('composer-input');
  await expect(composer).toBeEnabled({ timeout: 15_000 });
  await composer.fill('status: all green');
  await composer.press('Enter');
  await expect(row(a, 'Launch')).toContainText('status: all green', { timeout: 15_000 });
  await expect(row(a, 'Launch').getByTestId('unread-count')).toHaveText('1');
  expect(aliceShell.notifications).toHaveLength(0);
  expect(aliceShell.unreadCount).toBe(0);

  // Bob mentions Alice, picking her from the member list with the keyboard.
  await composer.pressSequentially('@al');
  const options = b.getByTestId('mention-option');
  await expect(options).toHaveCount(1);
  await expect(options.first()).toContainText('Alice');
  await expect(composer).toHaveAttribute('aria-activedescendant', /.+/);
  await composer.press('Enter');
  await expect(composer).toHaveValue('@alice ');
  await expect(b.getByTestId('mention-list')).toHaveCount(0);
  await composer.pressSequentially('can you sign off?');
  await composer.press('Enter');
  // The row appears once main has sealed and sent it: under a loaded CI machine that took longer than 5 s.
  await expect(b.getByTestId('message').filter({ hasText: 'can you sign off?' }).getByTestId('mention')).toHaveText('@alice', { timeout: 15_000 });

  await expect.poll(() => aliceShell.notifications.length, { timeout: 15_000 }).toBe(1);
  await expect.poll(() => aliceShell.unreadCount, { timeout: 15_000 }).toBe(1);
  await expect(row(a, 'Launch').getByTestId('mention-badge')).toBeVisible();
  await a.getByTestId('filter-mentions').click();
  await expect(a.getByTestId('conversation-row')).toHaveText([/Launch/, /Bob/]); // the open DM stays listed
  await row(a, 'Launch').click();
  const mentioned = a.getByTestId('message').filter({ hasText: 'can you sign off?' });
  await expect(mentioned).toHaveAttribute('data-mentions-me', 'true');
  await expect(mentioned.locator('.mention.self')).toHaveText('@alice');
  await expect(a.getByTestId('message').filter({ hasText: 'status: all green' })).not.toHaveAttribute('data-mentions-me', 'true');
  await a.getByTestId('filter-all').click();

  // Pin the DM by keyboard (Shift+F10 on its row), mark it unread; opening it takes the mark off.
  await row(a, 'Bob').focus();
  await a.keyboard.press('Shift+F10');
  await a.getByRole('menuitem', { name: 'Pin to top' }).click();
  await expect(a.getByTestId('conversation-row').first()).toContainText('Bob');
  await expect(row(a, 'Bob').getByTestId('row-pinned')).toBeVisible();
  await rowOption(a, 'Bob', 'Mark as unread');
  await expect(row(a, 'Bob').getByTestId('marked-unread')).toBeVisible();
  await row(a, 'Bob').click();
  await expect(row(a, 'Bob').getByTestId('marked-unread')).toHaveCount(0);

  // A half-written message in the group is kept by main, encrypted, and is back after a reload.
  await row(a, 'Launch').click();
  const draft = `not sent yet ${randomBytes(4).toString('hex')}`;
  await a.getByTestId('composer-input').fill(draft);
  await expect.poll(() => aliceStoreHolds(draft), { timeout: 15_000 }).toBe(true);
  await a.reload();
  await expect(row(a, 'Launch').getByTestId('row-muted')).toBeVisible({ timeout: 15_000 });
  await expect(row(a, 'Bob').getByTestId('row-pinned')).toBeVisible();
  await row(a, 'Launch').click();
  await expect(a.getByTestId('composer-input')).toHaveValue(draft, { timeout: 15_000 });
  // Emptied, it is deleted: after a reload the composer is empty, while the DM's draft is back (which shows
  // the drafts were loaded). The deletion goes to main at once; should the reload overtake it, the loop
  // empties the composer again and looks once more.
  await a.getByTestId('composer-input').fill('');
  await row(a, 'Bob').click();
  const other = `for Bob later ${randomBytes(4).toString('hex')}`;
  await a.getByTestId('composer-input').fill(other);
  await expect.poll(() => aliceStoreHolds(other), { timeout: 15_000 }).toBe(true);
  await expect(async () => {
    await a.reload();
    await row(a, 'Bob').click({ timeout: 5_000 });
    await expect(a.getByTestId('composer-input')).toHaveValue(other, { timeout: 5_000 });
    await row(a, 'Launch').click();
    const input = a.getByTestId('composer-input');
    if ((await input.inputValue()) !== '') {
      await input.fill('');
      throw new Error('the emptied draft was still kept');
    }
  }).toPass({ timeout: 30_000 });
});
