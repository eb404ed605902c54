/**
 * Removing a member in Chromium over the real messenger core and the embedded local stack: Alice, Bob and
 * Carol talk in a group; Alice removes Carol; Alice's next message is sealed under a new key version, so
 * Bob's security panel lists the key rotation before it; Alice's chat shows the membership line; Carol is
 * told in the conversation she had open ("You were removed from this conversation.", composer disabled),
 * keeps what she received and never sees the new message.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { WebHost } from '../../src/main/webHost/server';
import { startAppHost } from './harness';
import { registerInUi } from './steps';

const shots = join(__dirname, '../../test-results/screenshots');
const hosts: Record<string, WebHost> = {};

test.beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), 'seed-e2e-removal-'));
  for (const name of ['alice', 'bob', 'carol']) hosts[name] = await startAppHost(`ui-removal-${name}`, { core: { home } });
});
test.afterAll(async () => {
  for (const name of ['carol', 'bob', 'alice']) await hosts[name]?.close();
});

async function register(page: Page, username: string, displayName: string): Promise<void> {
  await page.goto(hosts[username]!.url);
  await registerInUi(page, username, displayName);
}

async function openGroup(page: Page): Promise<void> {
  const row = page.getByTestId('conversation-row').filter({ hasText: 'Project' });
  if (!(await row.isVisible())) await page.reload();
  await row.click({ timeout: 15_000 });
}

const log = (page: Page) => page.getByRole('log', { name: 'Messages with Project' });

test('after Carol is removed, Bob sees the rotation line and the new message; Carol is told and no longer receives', async ({ browser }) => {
  test.setTimeout(150_000);
  const [a, b, c] = [await browser.newPage(), await browser.newPage(), await browser.newPage()];
  await register(a, 'alice', 'Alice');
  await register(b, 'bob', 'Bob');
  await register(c, 'carol', 'Carol');

  await a.getByTestId('new-conversation').click();
  const dialog = a.getByRole('dialog', { name: 'New conversation' });
  await dialog.getByTestId('kind-group').check();
  await dialog.getByTestId('group-name').fill('Project');
  for (const name of ['bob', 'carol']) {
    await dialog.getByTestId('user-search').fill(name);
    await dialog.getByTestId('user-result').check();
  }
  await expect(dialog.getByTestId('selected-users')).toHaveText('Selected: Bob, Carol');
  await dialog.getByTestId('create-conversation').click();
  await expect(a.getByTestId('chat-title')).toHaveText('Project');

  await expect(a.getByTestId('composer-input')).toBeEnabled({ timeout: 15_000 });
  await a.getByTestId('composer-input').fill('before the removal');
  await a.getByTestId('composer-input').press('Enter');
  await openGroup(b);
  await openGroup(c);
  await expect(log(b).getByText('before the removal', { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(log(c).getByText('before the removal', { exact: true })).toBeVisible({ timeout: 15_000 });

  await a.getByTestId('open-members').click();
  await a.getByRole('button', { name: 'Remove Carol' }).click();
  await expect(a.getByTestId('confirm-remove-member')).toContainText('Remove Carol from');
  await a.getByTestId('confirm-remove-member-button').click();
  await expect(a.getByRole('dialog', { name: 'Members' }).getByTestId('member')).toHaveCount(2);
  await a.keyboard.press('Escape');
  await expect(log(a).getByTestId('system-line').filter({ hasText: 'You removed Carol' })).toBeVisible();

  await a.getByTestId('composer-input').fill('after the removal');
  await a.getByTestId('composer-input').press('Enter');
  await expect(log(b).getByText('after the removal', { exact: true })).toBeVisible({ timeout: 15_000 });
  await b.screenshot({ path: join(shots, 'ui-removal-bob.png'), fullPage: true });
  // The rotation is listed in Bob's security panel (the chat leaves key changes out).
  await b.getByTestId('open-security').click();
  await expect(
    b
      .getByRole('dialog', { name: 'Security' })
      .getByTestId('key-change')
      .filter({ hasText: /The conversation key was rotated \(version 1 → \d+\)/ }),
  ).toBeVisible();
  await b.keyboard.press('Escape');

  // Carol is told, in the conversation she had open: it stays, with what she received, and she cannot send.
  await expect(c.getByTestId('removed-banner')).toContainText('You were removed from this conversation.', { timeout: 15_000 });
  await expect(c.getByTestId('composer-input')).toBeDisabled();
  await expect(c.getByTestId('composer-hint')).toHaveText('You were removed from this conversation.');
  await expect(c.getByTestId('conversation-row').filter({ hasText: 'Project' })).toHaveCount(1);
  await expect(log(c).getByText('before the removal', { exact: true })).toBeVisible();
  await expect(c.getByText('after the removal', { exact: true })).toHaveCount(0);
  await c.screenshot({ path: join(shots, 'ui-removal-carol.png'), fullPage: true });
});
