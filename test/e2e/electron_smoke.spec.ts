/**
 * Real-Electron smoke test (Playwright `_electron`): launches the built app and checks that the window
 * shows the renderer and exposes only the contract bridge. It runs where an Electron binary is installed
 * and reports itself SKIPPED where it is not — on our machines the binary cannot be downloaded (no
 * internet), which is why every other UI test drives the same renderer in Debian's Chromium.
 * The binary's path is read from electron's own path.txt; the `electron` module is never required here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { methodNames } from '../../src/common/ipc/methods';
import { eventNames, listenerName } from '../../src/common/ipc/eventNames';

const root = join(__dirname, '../..');
const pathTxt = join(root, 'node_modules/electron/path.txt');
const binary = existsSync(pathTxt) ? join(root, 'node_modules/electron/dist', readFileSync(pathTxt, 'utf8').trim()) : null;

test('the packaged-layout app starts in real Electron with only the contract bridge', async () => {
  test.skip(
    binary === null || !existsSync(binary),
    'Electron binary not installed here (it cannot be downloaded without internet); the Chromium suite covers the renderer',
  );
  const app = await electron.launch({ executablePath: binary!, args: [join(root, 'out/main/index.js'), '--profile=smoke'] });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('heading', { name: 'Seed Messenger' })).toBeVisible();
    const surface = await window.evaluate(() => Object.keys((window as unknown as { seed: object }).seed).sort());
    expect(surface).toEqual([...methodNames, ...eventNames.map(listenerName)].sort());
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  } finally {
    await app.close();
  }
});
