/**
 * The sandboxed preload: exposes exactly the bridge built from the IPC contract as `window.seed`, and
 * nothing else — no `ipcRenderer`, no `process`, no generic invoke. Each function sends its arguments on
 * its own prefixed channel and resolves to the `IpcResult` main answered.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, buildBridge } from '../common/ipc/bridge';
import { wireChannel } from '../common/ipc/channels';

contextBridge.exposeInMainWorld(
  BRIDGE_GLOBAL,
  buildBridge((channel, args) => ipcRenderer.invoke(wireChannel(channel), args)),
);
