/**
 * Never losing an account, in Chromium over the real messenger core, key service and relay of the embedded
 * local stack (docs/desktop.md "Recovery key"): Alice makes her recovery key from the reminder (her password
 * first), sees it in groups, as a QR code and saved as a file, confirms it by typing it back (a mistyped one
 * first: a sentence); she chats with Bob; her only device is lost (the profile deleted); on a fresh profile,
 * signing in says the account needs a device link and offers the recovery key; a wrong key and a mistyped
 * one read as sentences; with hers the account comes back and the old messages read. The new dialog and
 * form pass an axe-core audit (nothing serious or critical).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { formatRecoveryKey } from '../../src/common/protocol/recovery';
import type { WebHost } from '../../src/main/webHost/server';
import { createNodeCryptoProvider } from '../../src/node/crypto/nodeProvider';
import { startAppHost } from './harness';
import { auditPage, chatBothWays, registerInUi } from './steps';

const shots = join(__dirname, '../../test-results/screenshots');
const password = 'correct horse battery';
const home = mkdtempSync(join(tmpdir(), 'seed-e2e-recovery-'));
let alice: WebHost | undefined;
let bob: WebHost | undefined;
let restored: WebHost | undefined;

test.beforeAll(async () => {
  alice = await startAppHost('ui-recovery-alice', { core: { home } });
  bob = await startAppHost('ui-recovery-bob', { core: { home } });
});
test.afterAll(async () => {
  await restored?.close();
  await bob?.close();
  await alice?.close();
});

async function openPage(browser: Browser, url: string): Promise<Page> {
  // axe-core's Playwright binding needs a page of a context made with browser.newContext().
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await page.goto(url);
  return page;
}

test('make and confirm a recovery key, chat, lose the device, restore on a fresh profile and read the old messages', async ({ browser }) => {
  test.setTimeout(180_000);
  const a = await openPage(browser, alice!.url);
  const b = await openPage(browser, bob!.url);
  await registerInUi(a, 'alice', 'Alice');
  await registerInUi(b, 'bob', 'Bob');

  // The reminder says there is no recovery key; making one asks for the password first.
  const reminder = a.getByTestId('recovery-reminder');
  await expect(reminder).toHaveAttribute('data-state', 'none', { timeout: 15_000 });
  await reminder.getByTestId('recovery-reminder-open').click();
  const dialog = a.getByRole('dialog', { name: 'Recovery key' });
  await dialog.getByTestId('recovery-password').fill('not my password');
  await dialog.getByTestId('recovery-make').click();
  await expect(dialog.getByTestId('recovery-error')).toHaveAttribute('data-code', 'recovery_password_wrong');
  await expect(dialog.getByTestId('recovery-error').locator('.error-sentence')).toHaveText(/^That is not your account password\./);
  await dialog.getByTestId('recovery-password').fill(password);
  await dialog.getByTestId('recovery-make').click();

  // Shown once: in groups of four, as a QR code, and as a file to save.
  const shown = dialog.getByTestId('recovery-key');
  await expect(shown).toBeVisible({ timeout: 30_000 });
  const recoveryKey = (await shown.innerText()).trim().split(/\s+/).join('-');
  expect(recoveryKey).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){13}$/);
  await expect(dialog.getByTestId('recovery-qr')).toBeVisible();
  const [download] = await Promise.all([a.waitForEvent('download'), dialog.getByTestId('recovery-save').click()]);
  expect(download.suggestedFilename()).toBe('seed-recovery-key-alice.txt');
  const saved = readFileSync(await download.path(), 'utf8');
  expect(saved.replace(/\s+/g, '')).toContain(recoveryKey.replace(/-/g, ''));
  await a.screenshot({ path: join(shots, 'ui-recovery-key-shown.png'), fullPage: true });
  await auditPage(a, 'recovery key shown');

  // Typed back: a mistyped one is a sentence; the right one confirms it, and the reminder goes.
  await dialog.getByTestId('recovery-next').click();
  await expect(dialog.getByTestId('recovery-key')).toHaveCount(0);
  const typo = `${recoveryKey.startsWith('0') ? '1' : '0'}${recoveryKey.slice(1)}`;
  await dialog.getByTestId('recovery-typed').fill(typo);
  await dialog.getByTestId('recovery-verify').click();
  await expect(dialog.getByTestId('recovery-error')).toHaveAttribute('data-code', 'recovery_key_unreadable');
  await expect(dialog.getByTestId('recovery-error').locator('.error-sentence')).toHaveText(/^That is not a complete recovery key/);
  await dialog.getByTestId('recovery-typed').fill(recoveryKey.toLowerCase().replace(/-/g, ' '));
  await dialog.getByTestId('recovery-verify').click();
  await expect(dialog.getByTestId('recovery-checked')).toBeVisible({ timeout: 15_000 });
  await auditPage(a, 'recovery key confirmed');
  await a.screenshot({ path: join(shots, 'ui-recovery-key-confirmed.png'), fullPage: true });
  await dialog.getByRole('button', { name: 'Close Recovery key' }).click();
  await expect(reminder).toHaveCount(0);

  // Signing out of the only device warns that only the recovery key brings the account back, and offers to check it.
  await a.getByTestId('sign-out').click();
  const signOut = a.getByRole('dialog', { name: 'Sign out and unlink this device?' });
  await expect(signOut.getByTestId('last-device-warning')).toContainText('only your recovery key and your password can bring your account', {
    timeout: 15_000,
  });
  await signOut.getByTestId('sign-out-check-recovery').click();
  await expect(dialog.getByTestId('recovery-state')).toHaveAttribute('data-state', 'confirmed');
  await dialog.getByRole('button', { name: 'Close Recovery key' }).click();
  await expect(a.getByTestId('signed-in-as')).toContainText('Alice');

  // A conversation with Bob, both ways.
  await chatBothWays(a, b, { search: 'bob', title: 'Bob', bRow: 'Alice', first: 'before the loss', reply: 'bob was here' });

  // The laptop is lost: its host stops and its profile folder is deleted.
  await a.context().close();
  await alice!.close();
  alice = undefined;
  rmSync(join(home, 'ui-recovery-alice'), { recursive: true, force: true });

  restored = await startAppHost('ui-recovery-alice-new', { core: { home } });
  const n = await openPage(browser, restored.url);
  await n.getByRole('tab', { name: 'Sign in' }).click();
  await n.getByLabel('Username').fill('alice');
  await n.getByLabel('Password').fill(password);
  await n.getByLabel('Device name').fill('New laptop');
  await n.getByTestId('sign-in-submit').click();
  await expect(n.getByTestId('onboarding-error')).toHaveAttribute('data-code', 'needs_device_link', { timeout: 30_000 });
  await n.getByTestId('restore-instead').click();
  const form = n.getByTestId('restore-form');
  await expect(form.getByLabel('Username')).toHaveValue('alice');
  await expect(form.getByLabel('Device name')).toHaveValue('New laptop');
  await n.screenshot({ path: join(shots, 'ui-recovery-restore.png'), fullPage: true });
  await auditPage(n, 'restore form');

  const provider = createNodeCryptoProvider();
  await form.getByTestId('restore-key').fill(await formatRecoveryKey(provider, provider.randomBytes(32)));
  await form.getByTestId('restore-submit').click();
  const refused = form.getByTestId('restore-error');
  await expect(refused).toHaveAttribute('data-code', 'recovery_key_invalid', { timeout: 30_000 });
  await expect(refused.locator('.error-sentence')).toHaveText(/^That recovery key does not belong to this account\./);
  await form.getByTestId('restore-key').fill(typo);
  await form.getByTestId('restore-submit').click();
  await expect(refused).toHaveAttribute('data-code', 'recovery_key_unreadable');
  await expect(refused.locator('.error-sentence')).toHaveText(/^That is not a complete recovery key/);

  await form.getByTestId('restore-key').fill(recoveryKey);
  await form.getByTestId('restore-submit').click();
  await expect(n.getByTestId('signed-in-as')).toContainText('Alice (@alice)', { timeout: 60_000 });
  await expect(n.getByTestId('recovery-reminder'), 'the key was just typed: it counts as confirmed here').toHaveCount(0);
  await n.getByTestId('conversation-row').filter({ hasText: 'Bob' }).click({ timeout: 30_000 });
  const log = n.getByRole('log');
  await expect(log.getByTestId('message-text').filter({ hasText: 'before the loss' })).toBeVisible({ timeout: 30_000 });
  await expect(log.getByTestId('message-text').filter({ hasText: 'bob was here' })).toBeVisible({ timeout: 30_000 });
});
