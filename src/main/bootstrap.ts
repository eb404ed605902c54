/**
 * Builds the main-side dependencies of one profile: its paths, its keychain store, its managed policy.
 * Shared by the Electron entry, browser mode and tests, so they all start the same services the same way.
 */
import { createKeytarStore } from './keychain/keychain';
import type { MainDeps } from './composition';
import { nodePolicyFacts } from './policy/facts';
import { loadEffectivePolicy } from './policy/loadEffectivePolicy';
import { profilePaths } from './profile';
import { createPolicyHolder } from './services/policyHolder';
import type { SystemFacts } from './services/system';

export interface BootstrapOptions {
  facts: SystemFacts;
  /** The Seed home folder holding one folder per profile. */
  home: string;
  profile: string;
}

export async function bootstrapMain(opts: BootstrapOptions): Promise<MainDeps> {
  const paths = profilePaths(opts.home, opts.profile);
  const policy = await createPolicyHolder(() => loadEffectivePolicy(nodePolicyFacts(paths.appConfig)));
  return { facts: opts.facts, secrets: createKeytarStore(paths.keychainService), policy, paths };
}
