/**
 * The names under which IT finds the app in every policy store (the table at the top of
 * docs/deployment.md): Windows registry key, macOS preference domain, Linux policy file, and the ADMX
 * namespace. One place, so the loaders, the generated templates and docs/deployment.md never disagree.
 */
export const POLICY_IDENTITY = {
  vendor: 'Seed',
  productName: 'Seed Messenger',
  /** macOS bundle id = managed-preferences domain = configuration-profile PayloadType. */
  bundleId: 'com.seed.messenger',
  /** Below HKEY_LOCAL_MACHINE (machine) and HKEY_CURRENT_USER (user). */
  registryKey: 'Software\\Policies\\Seed\\Seed Messenger',
  linuxPolicyFile: '/etc/seed-messenger/policies.json',
  macManagedPreferencesDir: '/Library/Managed Preferences',
  admxNamespace: 'Seed.Policies.SeedMessenger',
  admxPrefix: 'seedmessenger',
  admxFileBase: 'SeedMessenger',
} as const;
