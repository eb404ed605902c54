/**
 * Builds the main-side dependencies of one profile: its paths, its keychain store, its managed policy.
 * Shared by the Electron entry, browser mode and tests, so they all start the same services the same way.
 */
import { attachmentStoreSetting, describeStoreSetting, localAttachmentFolder, policyStoreSettings } from '../node/attachments/storeChoice';
import { chooseCryptoProvider } from '../node/crypto/providers';
import { createKeychainStoreKey, createKeytarStore, createKeychainVault } from '../client';
import type { MainDeps } from './composition';
import { ClientHost, custodyPinsOf } from './desktop/clientHost';
import { chooseNetwork } from './desktop/network';
import { createEventHub } from './ipc/eventHub';
import { nodePolicyFacts } from './policy/facts';
import { loadEffectivePolicy } from './policy/loadEffectivePolicy';
import { profilePaths } from './profile';
import { createPolicyHolder, type PolicyHolder } from './services/policyHolder';
import type { SystemFacts } from './services/system';

export interface BootstrapOptions {
  facts: SystemFacts;
  /** The Seed home folder holding one folder per profile. */
  home: string;
  profile: string;
  /** 'app': connect the client core (configured server or embedded local stack); 'none': system services only. */
  network: 'app' | 'none';
  /** A policy holder instead of the machine's policy (tests deploying an example policy). */
  policy?: PolicyHolder;
}

export async function bootstrapMain(opts: BootstrapOptions): Promise<MainDeps> {
  const paths = profilePaths(opts.home, opts.profile);
  const policy = opts.policy ?? (await createPolicyHolder(() => loadEffectivePolicy(nodePolicyFacts(paths.appConfig))));
  const secrets = createKeytarStore(paths.keychainService);
  const events = createEventHub();
  const base = { facts: opts.facts, secrets, policy, paths, events };
  if (opts.network === 'none') return { ...base, messenger: { reason: 'this process runs without the messenger core' } };
  const choice = await chooseNetwork(policy.current(), opts.home);
  if (choice.network === null) return { ...base, messenger: { reason: choice.reason } };
  const net = choice.network;
  const crypto = chooseCryptoProvider();
  // The file store of the managed policy (docs/deployment.md §2 `attachmentStore`): unset, the embedded stack keeps
  // file ciphertext in one folder every local profile reaches and a managed server's is PubNub Files
  // (docs/desktop.md "Files"). A refused combination leaves files unavailable with its sentence; the app opens.
  const files = attachmentStoreSetting(
    policyStoreSettings(policy.current().values),
    net.localStack ? { localFolder: () => localAttachmentFolder(opts.home) } : {},
  );
  const host = new ClientHost({
    vault: createKeychainVault(secrets),
    provider: crypto.provider,
    keyServiceUrl: net.keyServiceUrl,
    relayUrl: net.relayUrl,
    dataDir: paths.dir,
    localStoreKey: createKeychainStoreKey(secrets),
    pushPayload: () => policy.current().values.pushPayload,
    requirePostQuantum: () => policy.current().values.requirePostQuantum,
    custodyPins: () => custodyPinsOf(policy.current().values),
    attachmentStore: files.setting,
  });
  return {
    ...base,
    messenger: {
      host,
      serverUrl: net.keyServiceUrl,
      localStack: net.localStack,
      cryptoProvider: crypto.logLine,
      cryptoLabel: crypto.label,
      attachmentStore: describeStoreSetting(files),
      async close() {
        await host.close();
        await net.close();
      },
    },
  };
}
