/**
 * A key service that alters a conversation's membership is caught and shown (docs/threat-model.md, "A
 * malicious key service"), in Chromium over the real messenger core and the embedded local stack. Alice
 * creates a group with Bob; the key service's database is then edited to make Bob an admin without any
 * signed statement. Alice's app no longer lists the group and says why in one sentence (no error code in
 * it); once the database says again what the members signed, the group is back and the banner gone.
 */
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { WebHost } from '../../src/main/webHost/server';
import { startAppHost } from './harness';
import { aliceAndBob } from './steps';

const home = mkdtempSync(join(tmpdir(), 'seed-ui-altered-'));
const hosts = {} as { alice: WebHost; bob: WebHost };
test.beforeAll(async () => {
  hosts.alice = await startAppHost('ui-altered-alice', { core: { home } });
  hosts.bob = await startAppHost('ui-altered-bob', { core: { home } });
});
test.afterAll(async () => {
  await hosts.bob?.close();
  await hosts.alice?.close();
});

/** Sets Bob's role in the group straight in the key service's database, as a malicious operator could. */
function setRoleInDatabase(role: 'admin' | 'member'): void {
  const db = new BetterSqlite3(join(home, 'local-stack', 'keyservice', 'keyservice.sqlite'));
  try {
    db.pragma('busy_timeout = 5000');
    const changed = db.prepare("UPDATE members SET role = ? WHERE role <> 'owner'").run(role);
    expect(changed.changes).toBe(1);
  } finally {
    db.close();
  }
}

test('an altered member list hides the conversation with a sentence saying why, until it matches again', async ({ browser }) => {
  test.setTimeout(120_000);
  const { a } = await aliceAndBob(browser, hosts);

  await a.getByTestId('new-conversation').click();
  const dialog = a.getByRole('dialog', { name: 'New conversation' });
  await dialog.getByTestId('kind-group').check();
  await dialog.getByTestId('group-name').fill('Checked group');
  await dialog.getByTestId('user-search').fill('bob');
  await dialog.getByTestId('user-result').check();
  await dialog.getByTestId('create-conversation').click();
  await expect(dialog).toBeHidden();
  await expect(a.getByTestId('conversation-row')).toContainText('Checked group');
  await expect(a.getByTestId('refused-conversation')).toHaveCount(0);

  setRoleInDatabase('admin');
  await a.reload();
  const banner = a.getByTestId('refused-conversation');
  await expect(banner).toHaveCount(1);
  await expect(banner).toHaveAttribute('data-code', 'membership_mismatch');
  await expect(banner).toContainText("The server's member list for this conversation does not match what its members signed.");
  await expect(banner).not.toContainText('membership_mismatch');
  await expect(a.getByTestId('conversation-row').filter({ hasText: 'Checked group' })).toHaveCount(0);
  await a.screenshot({ path: join(__dirname, '../../test-results/screenshots/ui-altered-membership.png'), fullPage: true });

  setRoleInDatabase('member');
  await a.reload();
  await expect(a.getByTestId('conversation-row')).toContainText('Checked group');
  await expect(a.getByTestId('refused-conversation')).toHaveCount(0);
});
