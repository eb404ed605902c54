/**
 * The app store: one zustand store built from feature slices. A factory, so each test gets a fresh store
 * wired to the bridge client and environment it chooses.
 */
import { createStore } from 'zustand/vanilla';
import type { BridgeClient } from '../bridge/client';
import { createAccountSessionsSlice, type AccountSessionsSlice } from './accountSessionsSlice';
import { createBroadcastSlice, type BroadcastSlice } from './broadcastSlice';
import { createChatSlice, type ChatSlice } from './chatSlice';
import { createConversationsSlice, type ConversationsSlice } from './conversationsSlice';
import { createDeparturesSlice, type DeparturesSlice } from './departuresSlice';
import { createDevicesSlice, type DevicesSlice } from './devicesSlice';
import { createDisappearingSlice, type DisappearingSlice } from './disappearingSlice';
import { createFilesSlice, type FilesSlice } from './filesSlice';
import { defaultEnv, type StoreEnv } from './env';
import { createPrefsSlice, type PrefsSlice } from './prefsSlice';
import { createPresenceSlice, type PresenceSlice } from './presenceSlice';
import { createRecoverySlice, type RecoverySlice } from './recoverySlice';
import { createSearchSlice, type SearchSlice } from './searchSlice';
import { createSessionSlice, type SessionSlice } from './sessionSlice';
import { createSettingsSlice, type SettingsSlice } from './settingsSlice';
import { createSystemSlice, type SystemSlice } from './systemSlice';
import { createTrustSlice, type TrustSlice } from './trustSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

export type AppState = SystemSlice &
  SessionSlice &
  SettingsSlice &
  ConversationsSlice &
  ChatSlice &
  DevicesSlice &
  AccountSessionsSlice &
  TrustSlice &
  UiSlice &
  BroadcastSlice &
  SearchSlice &
  DisappearingSlice &
  DeparturesSlice &
  RecoverySlice &
  PrefsSlice &
  PresenceSlice &
  FilesSlice;

export function createAppStore(bridge: BridgeClient, env: StoreEnv = defaultEnv) {
  return createStore<AppState>()((...a) => ({
    ...createSystemSlice(bridge)(...a),
    ...createSessionSlice(bridge)(...a),
    ...createSettingsSlice(bridge)(...a),
    ...createConversationsSlice(bridge)(...a),
    ...createChatSlice(env, bridge)(...a),
    ...createDevicesSlice(bridge)(...a),
    ...createAccountSessionsSlice(bridge)(...a),
    ...createTrustSlice(bridge)(...a),
    ...createUiSlice()(...a),
    ...createBroadcastSlice(bridge, env)(...a),
    ...createSearchSlice(bridge)(...a),
    ...createDisappearingSlice(bridge, env)(...a),
    ...createDeparturesSlice(env)(...a),
    ...createRecoverySlice(bridge)(...a),
    ...createPrefsSlice(env)(...a),
    ...createPresenceSlice()(...a),
    ...createFilesSlice(bridge, env)(...a),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;
