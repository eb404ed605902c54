/**
 * Desktop notifications end to end in Chromium over the real messenger core, key service and relay of
 * the embedded local stack: Alice has a DM with Bob but looks at another conversation; Bob writes in the
 * DM; main (through Alice's recording desktop shell) is asked for a notification and, under the default
 * policy (`sender-only`), it names Bob but shows none of the text. Clicking it — main's `navigate` event —
 * opens the DM in Alice's UI.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { RecordingShell } from '../../src/main/desktop/shell';
import type { WebHost } from '../../src/main/webHost/server';
import { startAppHost } from './harness';
import { aliceAndBob, startDirectMessage } from './steps';

const shots = join(__dirname, '../../test-results/screenshots');
const aliceShell = new RecordingShell();
const hosts = {} as { alice: WebHost; bob: WebHost };

test.beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), 'seed-ui-notify-'));
  hosts.alice = await startAppHost('ui-notify-alice', { core: { home }, shell: aliceShell });
  hosts.bob = await startAppHost('ui-notify-bob', { core: { home } });
});
test.afterAll(async () => {
  await hosts.bob?.close();
  await hosts.alice?.close();
});

test('a message in a conversation Alice is not looking at notifies without its text; the click opens it', async ({ browser }) => {
  test.setTimeout(120_000);
  const { a, b } = await aliceAndBob(browser, hosts);

  await startDirectMessage(a, 'bob', 'Bob');

  await a.getByTestId('new-conversation').click();
  const group = a.getByRole('dialog', { name: 'New conversation' });
  await group.getByTestId('kind-group').check();
  await group.getByTestId('group-name').fill('Elsewhere');
  await group.getByTestId('user-search').fill('bob');
  await group.getByTestId('user-result').check();
  await group.getByTestId('create-conversation').click();
  await expect(a.getByTestId('chat-title')).toHaveText('Elsewhere');
  await expect(a.getByTestId('composer-input')).toBeEnabled({ timeout: 15_000 });

  const row = b.getByTestId('conversation-row').filter({ hasText: 'Alice' });
  if (!(await row.isVisible())) await b.reload();
  await row.click({ timeout: 15_000 });
  const composer = b.getByTestId('composer-input');
  await expect(composer).toBeEnabled({ timeout: 15_000 });
  await composer.fill('the launch code is 0000');
  await composer.press('Enter');
  await expect(b.getByTestId('message').filter({ hasText: 'the launch code' }).getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });

  await expect.poll(() => aliceShell.notifications.length, { timeout: 15_000 }).toBe(1);
  expect(aliceShell.notifications[0]).toMatchObject({ title: 'Bob', body: 'New message' });
  expect(JSON.stringify(aliceShell.notifications)).not.toContain('launch code');
  await expect.poll(() => aliceShell.unreadCount, { timeout: 15_000 }).toBe(1);
  await expect(a.getByTestId('chat-title')).toHaveText('Elsewhere');

  aliceShell.notifications[0]?.click();
  await expect(a.getByTestId('chat-title')).toHaveText('Bob', { timeout: 15_000 });
  await expect(a.getByRole('log').getByTestId('message-text').filter({ hasText: 'the launch code is 0000' })).toBeVisible();
  await expect.poll(() => aliceShell.unreadCount, { timeout: 15_000 }).toBe(0);
  await a.screenshot({ path: join(shots, 'ui-notifications-alice-opened.png'), fullPage: true });
});
