/**
 * System slice: what main reports about this installation (app version, keychain availability).
 * State, actions and selectors in one place (zustand slices pattern); logic stays in the bridge client.
 */
import type { StateCreator } from 'zustand';
import type { AppInfo, KeychainStatus } from '../../../common/ipc/contract';
import type { BridgeClient } from '../bridge/client';

export interface SystemSlice {
  system: {
    status: 'idle' | 'loading' | 'ready' | 'error';
    info: AppInfo | null;
    keychain: KeychainStatus | null;
    error: string | null;
  };
  loadSystem(): Promise<void>;
}

export const initialSystemState: SystemSlice['system'] = { status: 'idle', info: null, keychain: null, error: null };

export function createSystemSlice(bridge: BridgeClient): StateCreator<SystemSlice, [], [], SystemSlice> {
  return (set) => ({
    system: initialSystemState,
    async loadSystem() {
      set((s) => ({ system: { ...s.system, status: 'loading', error: null } }));
      try {
        const [info, keychain] = await Promise.all([bridge.appInfo(), bridge.keychainStatus()]);
        set({ system: { status: 'ready', info, keychain, error: null } });
      } catch (e) {
        set((s) => ({ system: { ...s.system, status: 'error', error: e instanceof Error ? e.message : String(e) } }));
      }
    },
  });
}

export const systemSelectors = {
  status: (s: SystemSlice) => s.system.status,
  info: (s: SystemSlice) => s.system.info,
  keychain: (s: SystemSlice) => s.system.keychain,
  error: (s: SystemSlice) => s.system.error,
  versionLabel: (s: SystemSlice) => (s.system.info ? `${s.system.info.name} ${s.system.info.version}` : ''),
};
