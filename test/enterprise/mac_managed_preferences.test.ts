/**
 * macOS policy layers (simulated macOS managed preferences): a temp folder with real file modes stands in
 * for /Library/Managed Preferences, holding the property lists an MDM profile makes macOS write — binary
 * for the device profile, XML for the user profile (fixtures written by Python's plistlib), and the
 * payload of the generated .mobileconfig.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import plist from 'plist';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POLICY_KEYS } from '../../src/common/policy/values';
import { generateMobileconfig } from '../../src/common/policy/templates/mobileconfig';
import type { PolicyFacts } from '../../src/main/policy/facts';
import { loadEffectivePolicy } from '../../src/main/policy/loadEffectivePolicy';

const fixture = (name: string) => join(__dirname, 'fixtures', name);
const uid = process.getuid?.() ?? 0;
let dir: string;

function facts(): PolicyFacts {
  return {
    platform: 'darwin',
    uid,
    userName: 'alice',
    runCommand: () => Promise.reject(new Error('no commands on macOS')),
    appConfigPath: null,
    linuxPolicyFile: '/nonexistent',
    macManagedPreferencesDir: dir,
    windowsSystemRoot: 'C:\\Windows',
  };
}

function place(source: string, user: boolean, mode = 0o644): string {
  const folder = user ? join(dir, 'alice') : dir;
  mkdirSync(folder, { recursive: true, mode: 0o755 });
  const target = join(folder, 'com.seed.messenger.plist');
  copyFileSync(source, target);
  chmodSync(target, mode);
  return target;
}

beforeEach(() => {
  const root = mkdtempSync(join(tmpdir(), 'seed-mcx-'));
  chmodSync(root, 0o755);
  dir = join(root, 'Managed Preferences');
  mkdirSync(dir, { mode: 0o755 });
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

describe('macOS managed preferences (simulated macOS managed preferences)', () => {
  it('reads the binary device plist as machine policy and the XML user plist below it', async () => {
    place(fixture('managed-prefs-machine.plist'), false);
    place(fixture('managed-prefs-user.plist'), true);
    const r = await loadEffectivePolicy(facts());
    expect(r.values).toMatchObject({
      serverUrl: 'https://keys.corp.example',
      localModeAllowed: false,
      allowedSignInMethods: ['oidc'],
      requireVerifiedContacts: true,
      logLevel: 'debug',
      notificationContent: 'none',
    });
    expect(r.managed).toEqual({
      serverUrl: 'machine',
      localModeAllowed: 'machine',
      allowedSignInMethods: 'machine',
      requireVerifiedContacts: 'machine',
      logLevel: 'user',
      notificationContent: 'user',
    });
    expect(r.warnings).toEqual([]);
  });

  it('enforces every key of the generated configuration profile once macOS has installed it', async () => {
    const profile = plist.parse(generateMobileconfig()) as { PayloadContent: Record<string, unknown>[] };
    const payload = profile.PayloadContent[0] ?? {};
    const path = join(dir, 'com.seed.messenger.plist');
    writeFileSync(path, plist.build(payload as plist.PlistObject));
    chmodSync(path, 0o644);
    const r = await loadEffectivePolicy(facts());
    expect(Object.keys(r.managed).sort()).toEqual([...POLICY_KEYS].sort());
    expect(r.warnings).toEqual([]);
  });

  it('refuses a managed-preferences file others can write', async () => {
    place(fixture('managed-prefs-machine.plist'), false, 0o666);
    const r = await loadEffectivePolicy(facts());
    expect(r.managed).toEqual({});
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'policy_file_writable_by_others', layer: 'machine' })]);
  });

  it('reports a file that is not a property-list dictionary, and ignores it', async () => {
    const path = join(dir, 'com.seed.messenger.plist');
    for (const bad of ['not a plist', '<?xml version="1.0"?><plist version="1.0"><array><string>x</string></array></plist>']) {
      writeFileSync(path, bad);
      chmodSync(path, 0o644);
      const r = await loadEffectivePolicy(facts());
      expect(r.warnings, bad).toEqual([expect.objectContaining({ code: 'policy_file_invalid', layer: 'machine' })]);
    }
  });
});
