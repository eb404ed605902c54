/**
 * Issue [store], disappearing messages, as two people use them: Alice sets her conversation with Bob to
 * disappear after 5 minutes (a signed membership statement, docs/protocol.md §15.8); both headers say so and
 * both timelines carry the plain-language line; her next message shows its time left on both sides. When its
 * time is up it is gone from both users' views — live, without a reload — and from both databases: each
 * profile's `history.db` is decrypted page by page with its key from the keychain (test/client/sqlcipherScan.ts;
 * free pages, unused cell space and WAL frames included) and the bytes are scanned for the text, as the
 * key-service scan test scans the server's database. Turned off, later messages stay. In a group, a plain
 * member sees the setting read-only. Real Chromium, web host, main handlers, client core,
 * keychain, key service and relay (embedded local stack).
 *
 * Time: instead of waiting five minutes, the spec moves main's expiry clock with the test-only
 * `advanceExpiryClockForTests` (main runs in this process; src/client/store/expiry.ts). Every assertion
 * waits on a condition; none is timed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import keytar from 'keytar';
import { advanceExpiryClockForTests, STORE_FILE, STORE_KEY_ACCOUNT } from '../../src/client';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { profilePaths } from '../../src/main/profile';
import type { WebHost } from '../../src/main/webHost/server';
import { decryptedStoreBytes } from '../client/sqlcipherScan';
import { startAppHost } from './harness';
import { aliceAndBob, startDirectMessage } from './steps';

const PREFIX = `ui-disappear-${randomBytes(3).toString('hex')}`;
const hosts = {} as { alice: WebHost; bob: WebHost };
let home = '';

test.beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), `seed-${PREFIX}-`));
  hosts.alice = await startAppHost(`${PREFIX}-alice`, { core: { home } });
  hosts.bob = await startAppHost(`${PREFIX}-bob`, { core: { home } });
});
test.afterAll(async () => {
  await hosts.bob?.close();
  await hosts.alice?.close();
});

/** The decrypted bytes of a profile's local store, pages and WAL frames, with the key from its keychain item. */
async function storeBytes(who: 'alice' | 'bob'): Promise<Buffer> {
  const paths = profilePaths(home, `${PREFIX}-${who}`);
  const key = await keytar.getPassword(paths.keychainService, STORE_KEY_ACCOUNT);
  if (key === null) throw new Error(`no store key for ${who}`);
  return decryptedStoreBytes(join(paths.dir, STORE_FILE), fromBase64Url(key));
}

const holds = (who: 'alice' | 'bob', text: string) => async () => (await storeBytes(who)).includes(text);

async function openWith(page: Page, name: string): Promise<void> {
  const row = page.getByTestId('conversation-row').filter({ hasText: name });
  if (!(await row.isVisible())) await page.reload();
  await row.click({ timeout: 15_000 });
}

test('a disappearing message leaves both views and both databases', async ({ browser }) => {
  test.setTimeout(150_000);
  const { a, b } = await aliceAndBob(browser, hosts);
  await startDirectMessage(a, 'bob', 'Bob');
  await openWith(b, 'Alice');

  // Alice sets the timer in the conversation's settings.
  await a.getByTestId('open-members').click();
  const panel = a.getByTestId('members-panel');
  await panel.getByTestId('disappearing-timer').selectOption({ label: '5 minutes' });
  await expect(panel.getByTestId('disappearing-timer')).toHaveValue('300', { timeout: 15_000 });
  await panel.getByRole('button', { name: 'Close Members' }).click();

  for (const [page, line] of [
    [a, 'You set messages to disappear after 5 minutes'],
    [b, 'Alice set messages to disappear after 5 minutes'],
  ] as const) {
    await expect(page.getByTestId('disappearing-header')).toHaveText('⏱ Messages disappear after 5 minutes', { timeout: 15_000 });
    await expect(page.getByTestId('system-line').filter({ hasText: line })).toHaveCount(1, { timeout: 15_000 });
  }

  // Bob sees the setting read-only only if he cannot change it: in a direct conversation either person may.
  await b.getByTestId('open-members').click();
  await expect(b.getByTestId('members-panel').getByTestId('disappearing-timer')).toHaveValue('300');
  await b.getByTestId('members-panel').getByRole('button', { name: 'Close Members' }).click();

  const secret = `vanishing ${randomBytes(6).toString('hex')}`;
  const stays = `before the timer? no: ${randomBytes(6).toString('hex')}`;
  const composer = a.getByTestId('composer-input');
  await expect(composer).toBeEnabled({ timeout: 15_000 });
  await composer.fill(secret);
  await composer.press('Enter');
  await expect(a.getByTestId('message').filter({ hasText: secret }).getByTestId('delivery-state')).toHaveText(/Sent|Read/, { timeout: 15_000 });
  for (const page of [a, b]) {
    const message = page.getByTestId('message').filter({ hasText: secret });
    await expect(message).toHaveCount(1, { timeout: 15_000 });
    await expect(message.getByTestId('message-expiry')).toHaveText(/disappears in [45] min/);
  }
  // Both devices stored it (the scan sees it: the control that the scan can find text at all).
  await expect.poll(holds('alice', secret), { timeout: 15_000 }).toBe(true);
  await expect.poll(holds('bob', secret), { timeout: 15_000 }).toBe(true);

  // Alice turns the timer off and sends another message: it has no timer and stays.
  await a.getByTestId('open-members').click();
  await a.getByTestId('members-panel').getByTestId('disappearing-timer').selectOption({ label: 'Off' });
  await expect(a.getByTestId('members-panel').getByTestId('disappearing-timer')).toHaveValue('0', { timeout: 15_000 });
  await a.getByTestId('members-panel').getByRole('button', { name: 'Close Members' }).click();
  await expect(b.getByTestId('system-line').filter({ hasText: 'Alice turned off disappearing messages' })).toHaveCount(1, { timeout: 15_000 });
  await expect(b.getByTestId('disappearing-header')).toHaveCount(0);
  await composer.fill(stays);
  await composer.press('Enter');
  await expect(b.getByTestId('message').filter({ hasText: stays })).toHaveCount(1, { timeout: 15_000 });
  await expect(b.getByTestId('message').filter({ hasText: stays }).getByTestId('message-expiry')).toHaveCount(0);
  await expect.poll(holds('bob', stays), { timeout: 15_000 }).toBe(true);

  // Six minutes later by main's clock: the timed message is deleted everywhere, live.
  advanceExpiryClockForTests(6 * 60_000);
  for (const page of [a, b]) {
    await expect(page.getByTestId('message').filter({ hasText: secret })).toHaveCount(0, { timeout: 15_000 });
    await expect(page.getByTestId('message').filter({ hasText: stays })).toHaveCount(1);
  }
  await expect.poll(holds('alice', secret), { timeout: 15_000 }).toBe(false);
  await expect.poll(holds('bob', secret), { timeout: 15_000 }).toBe(false);
  expect(await holds('bob', stays)()).toBe(true);

  // Bob restarts and scrolls back to the start: the envelope is still in PubNub's history, but main does not
  // hand over (or store) a message that has disappeared.
  await b.reload();
  await b.getByTestId('conversation-row').filter({ hasText: 'Alice' }).click({ timeout: 15_000 });
  const log = b.getByRole('log');
  await expect(log.getByTestId('message').filter({ hasText: stays })).toHaveCount(1, { timeout: 15_000 });
  const older = b.getByTestId('load-older');
  // Click "Load older messages" until the start of the conversation shows (the button is replaced by it).
  // Every wait in the loop is bounded: `isEnabled()` would wait without limit for a button that the
  // automatic load (scrolled to the top) replaced between two checks — which once hung this loop in CI.
  await expect(async () => {
    if (await older.isVisible()) await older.click({ timeout: 1_000 }).catch(() => undefined);
    await expect(b.getByText('Start of the conversation')).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(log.getByTestId('message').filter({ hasText: secret })).toHaveCount(0);
  await expect(log.getByTestId('rejected-message')).toHaveCount(0);
  expect(await holds('bob', secret)()).toBe(false);

  // In a group only owners and admins change it: Bob, a plain member, sees it read-only.
  await a.getByTestId('new-conversation').click();
  const dialog = a.getByRole('dialog', { name: 'New conversation' });
  await dialog.getByTestId('kind-group').check();
  await dialog.getByTestId('group-name').fill('Vanishing group');
  await dialog.getByTestId('user-search').fill('bob');
  await dialog.getByTestId('user-result').check();
  await dialog.getByTestId('create-conversation').click();
  await expect(a.getByTestId('chat-title')).toHaveText('Vanishing group');
  await a.getByTestId('open-members').click();
  await a.getByTestId('members-panel').getByTestId('disappearing-timer').selectOption({ label: '1 week' });
  await expect(a.getByTestId('members-panel').getByTestId('disappearing-timer')).toHaveValue('604800', { timeout: 15_000 });
  await a.getByTestId('members-panel').getByRole('button', { name: 'Close Members' }).click();
  await openWith(b, 'Vanishing group');
  await expect(b.getByTestId('disappearing-header')).toHaveText('⏱ Messages disappear after 1 week', { timeout: 15_000 });
  await expect(b.getByTestId('system-line').filter({ hasText: 'Alice set messages to disappear after 1 week' })).toHaveCount(1);
  await b.getByTestId('open-members').click();
  await expect(b.getByTestId('members-panel').getByTestId('disappearing-readonly')).toHaveText(
    'Messages disappear after 1 week. Only an admin can change this.',
  );
  await expect(b.getByTestId('members-panel').getByTestId('disappearing-timer')).toHaveCount(0);
});
