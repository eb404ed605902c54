/**
 * Facts about this installation that the UI shows: app name and version, the runtime, and whether the OS
 * keychain can be reached. The keychain probe reads an account that never exists, so it neither writes
 * nor reveals anything.
 */
import type { AppInfo, KeychainStatus } from '../../common/ipc/contract';
import { AppError } from '../../common/errors';
import { keychainBackendName, type SecretStore } from '../../client';

export interface SystemFacts {
  name: string;
  version: string;
  platform: string;
  runtime: AppInfo['runtime'];
  runtimeVersion: string;
}

export function createSystemService(facts: SystemFacts, store: SecretStore) {
  return {
    appInfo: async (): Promise<AppInfo> => ({ ...facts }),
    keychainStatus: async (): Promise<KeychainStatus> => {
      const backend = keychainBackendName(facts.platform);
      try {
        await store.get('probe.availability');
        return { available: true, backend };
      } catch (e) {
        return { available: false, backend, detail: e instanceof AppError ? e.message : 'unknown failure' };
      }
    },
  };
}
