/**
 * Issue [custody], server-trusted mode in Chromium over the real messenger core and the embedded local
 * stack (docs/desktop.md "Key custody", docs/protocol.md §19.4): once the operator switches the
 * organisation to server-trusted (the admin CLI on the stack's key service, the local KMS), every
 * conversation's Security panel says "Server-managed keys" and that the organisation's server can read
 * it; a device without a managed policy asks its user first, and only after "Accept server-managed keys"
 * does the conversation rotate to a version the key service made — both sides then read each other.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { WebHost } from '../../src/main/webHost/server';
import { runAdmin } from '../../src/server/adminCli';
import { openDatabase } from '../../src/server/index';
import { startAppHost } from './harness';
import { useMotoKms, type MotoKms } from './motoKms';
import { registerInUi, startDirectMessage } from './steps';

const home = mkdtempSync(join(tmpdir(), 'seed-ui-server-trusted-'));
const keyServiceDir = join(home, 'local-stack', 'keyservice');
const hosts = {} as { alice: WebHost; bob: WebHost };
let kms: MotoKms;
test.beforeAll(async () => {
  // The stack's key service seals its secrets, and makes and unseals keys, with moto's AWS KMS.
  kms = await useMotoKms();
  hosts.alice = await startAppHost('ui-server-trusted-alice', { core: { home } });
  hosts.bob = await startAppHost('ui-server-trusted-bob', { core: { home } });
});
test.afterAll(async () => {
  await hosts.bob?.close();
  await hosts.alice?.close();
  kms?.restore();
});

async function openSecurity(page: Page) {
  await page.getByTestId('open-security').click();
  return page.getByRole('dialog', { name: 'Security' });
}

async function serverMadeVersions(): Promise<number> {
  const db = openDatabase({ dataDir: keyServiceDir });
  try {
    return (await db.all('SELECT version FROM server_key_versions')).length;
  } finally {
    await db.close();
  }
}

/** Which KMS made each server-made version (kind and key id), as the key service stored it. */
async function serverKeyKms(): Promise<string[]> {
  const db = openDatabase({ dataDir: keyServiceDir });
  try {
    return (await db.all<{ kms_kind: string; kms_key_id: string }>('SELECT kms_kind, kms_key_id FROM server_key_versions')).map(
      (r) => `${r.kms_kind} ${r.kms_key_id}`,
    );
  } finally {
    await db.close();
  }
}

async function send(page: Page, text: string) {
  const composer = page.getByTestId('composer-input');
  await expect(composer).toBeEnabled({ timeout: 15_000 });
  await composer.fill(text);
  await composer.press('Enter');
}

test('switching to server-trusted marks the conversation "server-managed keys"; after accepting, the server makes the key and both read', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const a = await browser.newPage();
  const b = await browser.newPage();
  await a.goto(hosts.alice.url);
  await b.goto(hosts.bob.url);
  await registerInUi(a, 'alice', 'Alice');
  await registerInUi(b, 'bob', 'Bob');
  await startDirectMessage(a, 'bob', 'Bob');

  await runAdmin(['--data', keyServiceDir, 'custody', 'server-trusted', '--reason', 'internal tool policy'], kms.env, 'cli:it-one');

  // Nothing is taken before the user accepts: the panel says what the server can do and asks.
  const security = await openSecurity(a);
  await expect(security.getByTestId('custody-server-managed')).toContainText("Server-managed keys: your organisation's server can read this conversation.");
  await expect(security.getByTestId('custody-server-keys-ask')).toBeVisible();
  expect(await serverMadeVersions()).toBe(0);
  await security.getByTestId('custody-accept-server-keys').click();
  await expect(security.getByTestId('custody-server-keys-ask')).toHaveCount(0);
  // Accepting rotated the conversation to a version the key service made.
  await expect.poll(serverMadeVersions, { timeout: 20_000 }).toBe(1);
  await a.keyboard.press('Escape');

  await b.reload();
  await expect(b.getByTestId('custody-banner')).toContainText("your organisation's server can read your conversations");
  await b.getByTestId('conversation-row').filter({ hasText: 'Alice' }).click();
  const bobs = await openSecurity(b);
  await bobs.getByTestId('custody-accept-server-keys').click();
  await expect(bobs.getByTestId('custody-server-keys-ask')).toHaveCount(0);
  await expect(bobs.getByTestId('custody-server-managed')).toContainText('Server-managed keys');
  await b.keyboard.press('Escape');

  await send(a, 'under a server-managed key');
  await expect(b.getByRole('log').getByTestId('message-text').filter({ hasText: 'under a server-managed key' })).toBeVisible({ timeout: 20_000 });
  await send(b, 'bob reads it');
  await expect(a.getByRole('log').getByTestId('message-text').filter({ hasText: 'bob reads it' })).toBeVisible({ timeout: 20_000 });
  // Every server-made key came from moto's AWS KMS (GenerateDataKey under the spec's key).
  const made = await serverKeyKms();
  expect(made.length).toBeGreaterThan(0);
  expect(new Set(made)).toEqual(new Set([`aws ${kms.keyArn}`]));
});
