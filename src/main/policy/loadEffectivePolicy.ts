/**
 * The one entry point of managed policy for the composition root (docs/deployment.md §2): reads the
 * platform's machine and user policy stores, the user's app config, and merges them (machine > user > app
 * config > defaults; src/common/policy/merge.ts). Windows: HKLM / HKCU registry; macOS: managed
 * preferences; Linux: /etc/seed-messenger/policies.json (machine only). It never throws: a store it cannot
 * read or trust is ignored and reported in `warnings`.
 */
import { win32 } from 'node:path';
import { mergePolicyLayers, type EffectivePolicy } from '../../common/policy/merge';
import type { PolicyFacts } from './facts';
import { loadAppConfigFile, loadLinuxPolicyFile } from './jsonPolicyFile';
import { EMPTY_LAYER, guardLayer, type LayerRead } from './layerRead';
import { loadManagedPreferences, managedPreferencesPath } from './macManagedPreferences';
import type { TrustRules } from './trustedFile';
import { loadRegistryLayer } from './windowsRegistry';

export type { EffectivePolicy } from '../../common/policy/merge';

function trustRules(facts: PolicyFacts): TrustRules {
  return { trustedUids: facts.uid === null || facts.uid === 0 ? [0] : [0, facts.uid] };
}

async function platformLayers(facts: PolicyFacts): Promise<{ machine: LayerRead; user: LayerRead }> {
  switch (facts.platform) {
    case 'win32': {
      const regExe = win32.join(facts.windowsSystemRoot, 'System32', 'reg.exe');
      const [machine, user] = await Promise.all([
        guardLayer('machine', () => loadRegistryLayer('HKLM', regExe, facts.runCommand)),
        guardLayer('user', () => loadRegistryLayer('HKCU', regExe, facts.runCommand)),
      ]);
      return { machine, user };
    }
    case 'darwin': {
      const rules = trustRules(facts);
      const dir = facts.macManagedPreferencesDir;
      const [machine, user] = await Promise.all([
        guardLayer('machine', () => loadManagedPreferences(managedPreferencesPath(dir, null), rules)),
        guardLayer('user', () => loadManagedPreferences(managedPreferencesPath(dir, facts.userName), rules)),
      ]);
      return { machine, user };
    }
    case 'linux':
    case 'freebsd':
    case 'openbsd':
      return {
        machine: await guardLayer('machine', () => loadLinuxPolicyFile(facts.linuxPolicyFile, trustRules(facts))),
        user: EMPTY_LAYER,
      };
    default:
      return {
        machine: { values: null, warnings: [{ code: 'policy_platform_unsupported', message: `no policy store on ${facts.platform}` }] },
        user: EMPTY_LAYER,
      };
  }
}

export async function loadEffectivePolicy(facts: PolicyFacts): Promise<EffectivePolicy> {
  const appConfigPath = facts.appConfigPath;
  const [{ machine, user }, appConfig] = await Promise.all([
    platformLayers(facts),
    appConfigPath === null ? EMPTY_LAYER : guardLayer('appConfig', () => loadAppConfigFile(appConfigPath)),
  ]);
  const merged = mergePolicyLayers({ machine: machine.values, user: user.values, appConfig: appConfig.values });
  return { ...merged, warnings: [...machine.warnings, ...user.warnings, ...appConfig.warnings, ...merged.warnings] };
}
