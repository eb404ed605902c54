/**
 * The settings slice over the real bridge path: contract-built bridge → main dispatcher → the real settings
 * service of a profile in a temporary home (theme in settings.json, notifications as the user's policy
 * layer). A setting IT manages is locked in the UI and refused by main as well.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import { POLICY_DEFAULTS } from '../../src/common/policy/values';
import { bootstrapMain } from '../../src/main/bootstrap';
import { createHandlers } from '../../src/main/composition';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createBridgeClient } from '../../src/renderer/src/bridge/client';
import { settingsSelectors } from '../../src/renderer/src/state/settingsSlice';
import { createAppStore } from '../../src/renderer/src/state/store';

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

const facts = { name: 'Seed Messenger', version: '0.1.0', platform: 'linux', runtime: 'node' as const, runtimeVersion: '20' };

async function storeForProfile(managedNotifications: boolean) {
  const home = mkdtempSync(join(tmpdir(), 'seed-renderer-settings-'));
  homes.push(home);
  const deps = await bootstrapMain({ facts, home, profile: 'settings-test', network: 'none' });
  if (managedNotifications) {
    const fixed = { values: { ...POLICY_DEFAULTS, notificationContent: 'none' as const }, managed: { notificationContent: 'machine' as const }, warnings: [] };
    deps.policy = { current: () => fixed, reload: async () => fixed };
  }
  const dispatch = createDispatcher(createHandlers(deps));
  return { store: createAppStore(createBridgeClient(buildBridge(dispatch, createEventRouter().subscribe))), dir: deps.paths.dir };
}

describe('settings slice', () => {
  it('loads defaults, applies and stores the theme, follows the system in "system" mode', async () => {
    const { store, dir } = await storeForProfile(false);
    await store.getState().loadSettings();
    expect(settingsSelectors.values(store.getState())).toEqual({ theme: 'system', notifications: 'sender-only', readReceipts: true });
    store.getState().setSystemDark(true);
    expect(settingsSelectors.themeClass(store.getState())).toBe('theme-dark');

    await store.getState().updateSettings({ theme: 'light' });
    expect(settingsSelectors.themeClass(store.getState())).toBe('theme-light');
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual({ theme: 'light' });

    await store.getState().updateSettings({ notifications: 'full' });
    expect(settingsSelectors.effectiveNotifications(store.getState())).toBe('full');
    expect(settingsSelectors.notificationsLock(store.getState())).toEqual({ locked: false, source: null, label: null });
    expect(settingsSelectors.error(store.getState())).toBeNull();
  });

  it('a managed notifications setting is locked with its label; a change is refused and changes nothing', async () => {
    const { store } = await storeForProfile(true);
    await store.getState().loadSettings();
    expect(settingsSelectors.notificationsLock(store.getState())).toEqual({
      locked: true,
      source: 'machine',
      label: 'Notification content is managed by your organisation (device policy)',
    });
    expect(settingsSelectors.effectiveNotifications(store.getState())).toBe('none');
    await store.getState().updateSettings({ notifications: 'full' });
    expect(settingsSelectors.error(store.getState())).toMatchObject({ code: 'policy_setting_managed' });
    expect(settingsSelectors.effectiveNotifications(store.getState())).toBe('none');
  });

  it('main refuses a managed change too, whatever the renderer sends', async () => {
    const { store } = await storeForProfile(true);
    await store.getState().loadSettings();
    store.setState({ settings: { ...store.getState().settings, policy: null } });
    await store.getState().updateSettings({ notifications: 'full' });
    expect(settingsSelectors.error(store.getState())).toMatchObject({ code: 'policy_setting_managed' });
    expect(settingsSelectors.values(store.getState()).notifications).toBe('none');
  });
});
