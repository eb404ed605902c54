/**
 * The app store: one zustand store built from feature slices. A factory, so each test gets a fresh store
 * wired to the bridge client it chooses.
 */
import { createStore } from 'zustand/vanilla';
import type { BridgeClient } from '../bridge/client';
import { createSystemSlice, type SystemSlice } from './systemSlice';

export type AppState = SystemSlice;

export function createAppStore(bridge: BridgeClient) {
  return createStore<AppState>()((...a) => ({
    ...createSystemSlice(bridge)(...a),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;
