/**
 * Builds the renderer-facing bridge from the contract: one named async function per channel, over any
 * `invoke` transport (Electron's ipcRenderer in the preload, HTTP in the web host). What crosses into the
 * page is a frozen object of functions that resolve to plain `IpcResult` data; the renderer's client
 * (src/renderer/src/bridge/client.ts) unwraps them into values or typed errors.
 */
import { channelNames, type ChannelName } from './channels';
import type { ChannelArgs, ChannelResult } from './contract';
import type { IpcResult } from './result';

export type RawBridge = { readonly [K in ChannelName]: (...args: ChannelArgs<K>) => Promise<IpcResult<ChannelResult<K>>> };

export type Invoke = (channel: ChannelName, args: unknown[]) => Promise<unknown>;

/** The global name the bridge is exposed under (`window.seed`). */
export const BRIDGE_GLOBAL = 'seed';

export function buildBridge(invoke: Invoke): RawBridge {
  const bridge: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of channelNames) {
    bridge[name] = (...args: unknown[]) => invoke(name, args);
  }
  return Object.freeze(bridge) as unknown as RawBridge;
}
