/**
 * Scenario (docs/deployment.md, "Linux: policy file"): an IT admin takes the shipped Linux policy template,
 * edits it, installs it as /etc/seed-messenger/policies.json (a temp folder with real modes stands in for
 * /etc), and the app enforces it: managed settings are locked and refused when changed, disallowed actions
 * fail with typed errors, updates follow the package manager. A careless chmod makes the app refuse the
 * whole file.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLocalMode, checkServerUrl, checkSignInMethod, checkUserSettingChange } from '../../src/common/policy/enforce';
import { settingLock } from '../../src/common/policy/view';
import { nodePolicyFacts } from '../../src/main/policy/facts';
import { loadEffectivePolicy } from '../../src/main/policy/loadEffectivePolicy';
import { planUpdates } from '../../src/main/update/planUpdates';

const repo = join(__dirname, '..', '..');
const root = mkdtempSync(join(tmpdir(), 'seed-it-admin-'));
chmodSync(root, 0o755);
const etc = join(root, 'seed-messenger');
mkdirSync(etc, { mode: 0o755 });
const policyFile = join(etc, 'policies.json');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const facts = () => ({ ...nodePolicyFacts(null), platform: 'linux', linuxPolicyFile: policyFile });

describe('IT admin deploys a Linux policy and the app enforces it', () => {
  it('from template to enforced settings', async () => {
    const template = JSON.parse(readFileSync(join(repo, 'resources/policy-templates/linux/policies.example.json'), 'utf8')) as Record<string, unknown>;
    const { pubnubPublishKey: _p, pubnubSubscribeKey: _s, pubnubOrigin: _o, updateFeedUrl: _f, ...edited } = template;
    writeFileSync(policyFile, JSON.stringify({ ...edited, serverUrl: 'https://keys.corp.example', updateMode: 'off' }, null, 2));
    chmodSync(policyFile, 0o644);

    const policy = await loadEffectivePolicy(facts());
    expect(policy.warnings).toEqual([]);
    expect(settingLock(policy, 'serverUrl')).toMatchObject({ locked: true, source: 'machine' });
    expect(settingLock(policy, 'pubnubPublishKey').locked).toBe(false);

    expect(() => checkUserSettingChange(policy, 'requireVerifiedContacts', false)).toThrow(expect.objectContaining({ code: 'policy_setting_managed' }));
    expect(() => checkServerUrl(policy, 'https://personal.example')).toThrow(expect.objectContaining({ code: 'policy_server_not_allowed' }));
    expect(() => checkSignInMethod(policy, 'password')).toThrow(expect.objectContaining({ code: 'policy_sign_in_method_not_allowed' }));
    expect(() => checkLocalMode(policy)).toThrow(expect.objectContaining({ code: 'policy_local_mode_not_allowed' }));

    const debInstall = { platform: 'linux', isPackaged: true, execPath: '/opt/Seed Messenger/seed-messenger', env: {}, bundleOwnerUid: null };
    expect((await planUpdates(policy, debInstall, root)).decision).toEqual({ enabled: false, reason: 'package-manager' });
  });

  it('a world-writable policy file is refused as a whole and reported', async () => {
    chmodSync(policyFile, 0o666);
    const policy = await loadEffectivePolicy(facts());
    expect(policy.managed).toEqual({});
    expect(policy.warnings).toEqual([expect.objectContaining({ code: 'policy_file_writable_by_others' })]);
    expect(() => checkLocalMode(policy)).not.toThrow();
  });
});
