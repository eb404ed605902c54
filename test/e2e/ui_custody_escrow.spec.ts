/**
 * Issue [custody], escrow mode in Chromium over the real messenger core and the embedded local stack
 * (docs/desktop.md "Key custody"): in zero-trust mode the Security panel says nothing about the
 * organisation; once the operator switches the organisation to escrow (the admin CLI on the stack's key
 * service, the local KMS), every conversation's Security panel says in a plain sentence that the
 * organisation can recover it, with the recovery key's fingerprint, on both sides — and the conversation
 * rotates to a key version that carries the escrow wrap.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { WebHost } from '../../src/main/webHost/server';
import { runAdmin } from '../../src/server/adminCli';
import { openDatabase } from '../../src/server/index';
import { shortFingerprint } from '../../src/renderer/src/components/CustodyNotice';
import { startAppHost } from './harness';
import { useMotoKms, type MotoKms } from './motoKms';
import { registerInUi, startDirectMessage } from './steps';

const home = mkdtempSync(join(tmpdir(), 'seed-ui-custody-'));
const keyServiceDir = join(home, 'local-stack', 'keyservice');
const hosts = {} as { alice: WebHost; bob: WebHost };
let kms: MotoKms;
test.beforeAll(async () => {
  // The stack's key service seals its secrets, and makes and unseals keys, with moto's AWS KMS.
  kms = await useMotoKms();
  hosts.alice = await startAppHost('ui-custody-alice', { core: { home } });
  hosts.bob = await startAppHost('ui-custody-bob', { core: { home } });
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

async function escrowVersions(): Promise<number> {
  const db = openDatabase({ dataDir: keyServiceDir });
  try {
    return (await db.all('SELECT version FROM escrow_wraps')).length;
  } finally {
    await db.close();
  }
}

test('switching the organisation to escrow shows every member that it can recover the conversation, and rotates it', async ({ browser }) => {
  test.setTimeout(120_000);
  const a = await browser.newPage();
  const b = await browser.newPage();
  await a.goto(hosts.alice.url);
  await b.goto(hosts.bob.url);
  await registerInUi(a, 'alice', 'Alice');
  await registerInUi(b, 'bob', 'Bob');
  await startDirectMessage(a, 'bob', 'Bob');

  await expect(a.getByTestId('custody-banner')).toHaveCount(0);
  let security = await openSecurity(a);
  await expect(security.getByTestId('own-code')).toBeVisible();
  await expect(security.getByTestId('custody-notice')).toHaveCount(0);
  await a.keyboard.press('Escape');

  const enabled = (await runAdmin(['--data', keyServiceDir, 'custody', 'escrow', '--reason', 'legal hold'], kms.env, 'cli:it-one')) as {
    recipient: { fingerprint: string };
  };
  const fingerprint = enabled.recipient.fingerprint;

  security = await openSecurity(a);
  await expect(security.getByTestId('custody-notice')).toContainText('Your organisation can recover this conversation');
  await expect(security.getByTestId('custody-fingerprint')).toHaveText(shortFingerprint(fingerprint));
  await expect(security.getByTestId('custody-recipient-changed')).toHaveCount(0);
  // Learning the mode rotated the conversation to a version with the escrow wrap.
  await expect.poll(escrowVersions, { timeout: 20_000 }).toBe(1);
  await a.keyboard.press('Escape');

  await b.reload();
  await expect(b.getByTestId('custody-banner')).toContainText('Your organisation can recover your conversations');
  await b.getByTestId('conversation-row').filter({ hasText: 'Alice' }).click();
  const bobs = await openSecurity(b);
  await expect(bobs.getByTestId('custody-notice')).toContainText('Your organisation can recover this conversation');
  await expect(bobs.getByTestId('custody-fingerprint')).toHaveText(shortFingerprint(fingerprint));
  // The recipient's private key exists only sealed by moto's AWS KMS, under the spec's key.
  const db = openDatabase({ dataDir: keyServiceDir });
  try {
    const rows = await db.all<{ kms_kind: string; kms_key_id: string }>('SELECT kms_kind, kms_key_id FROM escrow_recipients');
    expect(rows.map((r) => `${r.kms_kind} ${r.kms_key_id}`)).toEqual([`aws ${kms.keyArn}`]);
  } finally {
    await db.close();
  }
});
