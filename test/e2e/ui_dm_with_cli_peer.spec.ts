/**
 * A DM between the desktop UI and a CLI peer (docs/client.md, "CLI"), in both directions. Alice uses the
 * built renderer in Chromium over the real main-side services; Bob is the `seed` CLI in its own process on
 * the same embedded local stack (SEED_HOME shared, so the CLI joins the stack the app started). Real
 * keychain, key service, relay and `pubnub` SDK on both sides.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { WebHost } from '../../src/main/webHost/server';
import { startAppHost } from './harness';
import { registerInUi, startDirectMessage } from './steps';

const root = join(__dirname, '../..');
const shots = join(root, 'test-results/screenshots');
const home = mkdtempSync(join(tmpdir(), 'seed-ui-cli-'));
const stamp = `${process.pid % 1000}${Date.now() % 100000}`;
const bobName = `bobcli${stamp}`;
const cliProfile = `cli-bob-${stamp}`;
let alice: WebHost;

/** Runs the CLI as Bob; resolves with stdout, rejects with stderr on a non-zero exit. */
function cli(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--profile', cliProfile, ...args], {
      cwd: root,
      env: { ...process.env, SEED_HOME: home, SEED_PASSWORD: 'correct horse battery' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`cli ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

test.beforeAll(async () => {
  alice = await startAppHost(`ui-cli-alice-${stamp}`, { core: { home } });
});
test.afterAll(async () => {
  await alice?.close();
});

test('a DM between the app and a CLI peer works both ways; the CLI prints the HTML as text', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(alice.url);
  await registerInUi(page, `alicecli${stamp}`, 'Alice');
  expect(await cli(['register', bobName, '--display-name', 'Bob Terminal'])).toMatch(/^registered /);

  await startDirectMessage(page, 'terminal', 'Bob Terminal');

  const composer = page.getByTestId('composer-input');
  await expect(composer).toBeEnabled({ timeout: 15_000 });
  await composer.fill('hi from the app <b>bold?</b>');
  await composer.press('Enter');
  await expect(page.getByTestId('message').filter({ hasText: 'hi from the app' }).getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });

  const listed = JSON.parse((await cli(['--json', 'conversations'])).trim().split('\n').at(-1) ?? '[]') as { conversationId: string }[];
  expect(listed).toHaveLength(1);
  const conv = listed[0]!.conversationId;
  await expect.poll(async () => cli(['read', conv]), { timeout: 30_000 }).toContain('hi from the app <b>bold?</b>');

  expect(await cli(['send', conv, 'hello from the terminal'])).toMatch(/^sent \(\d{17}\)/);
  const reply = page.getByRole('log').getByTestId('message').filter({ hasText: 'hello from the terminal' });
  await expect(reply).toContainText('Bob Terminal', { timeout: 20_000 });
  await expect(reply.getByTestId('message-text')).toHaveText('hello from the terminal');

  // A rotation from the CLI side: the app still reads the next message, and lists the rotation in the security panel.
  expect(JSON.parse((await cli(['--json', 'rotate', conv])).trim().split('\n').at(-1) ?? '{}')).toMatchObject({ version: 2 });
  expect(await cli(['send', conv, 'after the rotation'])).toMatch(/^sent /);
  await expect(page.getByRole('log').getByTestId('message-text').filter({ hasText: 'after the rotation' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('log')).not.toContainText('The conversation key was rotated');
  await page.screenshot({ path: join(shots, 'ui-dm-with-cli-peer.png'), fullPage: true });
  await page.getByTestId('open-security').click();
  await expect(page.getByRole('dialog', { name: 'Security' }).getByTestId('key-change')).toContainText('The conversation key was rotated (version 1 → 2)');
});
