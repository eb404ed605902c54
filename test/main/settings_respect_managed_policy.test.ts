/**
 * User settings over real files in a temp profile, with the real policy loader for the app-config
 * layer and a machine layer IT manages.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { nodePolicyFacts } from '../../src/main/policy/facts';
import { loadEffectivePolicy } from '../../src/main/policy/loadEffectivePolicy';
import { profilePaths } from '../../src/main/profile';
import { createPolicyHolder } from '../../src/main/services/policyHolder';
import { createSettingsService } from '../../src/main/services/settings';

function profile() {
  return profilePaths(mkdtempSync(join(tmpdir(), 'seed-settings-')), 'alice');
}

describe('settings', () => {
  it('defaults to the system theme and the policy default for notifications', async () => {
    const paths = profile();
    const policy = await createPolicyHolder(() => loadEffectivePolicy(nodePolicyFacts(paths.appConfig)));
    expect(await createSettingsService(paths, policy).get()).toEqual({ theme: 'system', notifications: 'sender-only', readReceipts: true });
  });

  it('persists the theme and the notification choice, owner-only, through the policy layer', async () => {
    const paths = profile();
    const policy = await createPolicyHolder(() => loadEffectivePolicy(nodePolicyFacts(paths.appConfig)));
    const settings = createSettingsService(paths, policy);
    expect(await settings.set({ theme: 'dark', notifications: 'full' })).toEqual({ theme: 'dark', notifications: 'full', readReceipts: true });
    expect(JSON.parse(readFileSync(paths.appConfig, 'utf8'))).toEqual({ notificationContent: 'full' });
    expect(statSync(paths.appConfig).mode & 0o077).toBe(0);
    const again = createSettingsService(paths, await createPolicyHolder(() => loadEffectivePolicy(nodePolicyFacts(paths.appConfig))));
    expect(await again.get()).toEqual({ theme: 'dark', notifications: 'full', readReceipts: true });
  });

  it('keeps "Send read receipts" off in the profile, next to the theme', async () => {
    const paths = profile();
    const policy = await createPolicyHolder(() => loadEffectivePolicy(nodePolicyFacts(paths.appConfig)));
    await createSettingsService(paths, policy).set({ theme: 'dark' });
    expect(await createSettingsService(paths, policy).set({ readReceipts: false })).toEqual({
      theme: 'dark',
      notifications: 'sender-only',
      readReceipts: false,
    });
    expect(await createSettingsService(paths, policy).get()).toMatchObject({ theme: 'dark', readReceipts: false });
    expect(existsSync(paths.appConfig)).toBe(false);
  });

  it('refuses to change a setting IT manages, and writes nothing', async () => {
    const paths = profile();
    const policy = await createPolicyHolder(async () => mergePolicyLayers({ machine: { notificationContent: 'none' } }));
    const settings = createSettingsService(paths, policy);
    await expect(settings.set({ notifications: 'full' })).rejects.toMatchObject({ code: 'policy_setting_managed' });
    expect(existsSync(paths.appConfig)).toBe(false);
    expect(await settings.get()).toEqual({ theme: 'system', notifications: 'none', readReceipts: true });
  });

  it('keeps a corrupt user config untouched and says why', async () => {
    const paths = profile();
    const policy = await createPolicyHolder(() => loadEffectivePolicy(nodePolicyFacts(paths.appConfig)));
    const settings = createSettingsService(paths, policy);
    await settings.set({ theme: 'light' });
    writeFileSync(paths.appConfig, '{not json');
    await expect(settings.set({ notifications: 'none' })).rejects.toMatchObject({ code: 'settings_file_invalid' });
    expect(readFileSync(paths.appConfig, 'utf8')).toBe('{not json');
  });
});
