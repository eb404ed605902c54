/**
 * The sandboxed preload: exposes exactly the bridge built from the IPC contract as `window.seed`, and
 * nothing else — no `ipcRenderer`, no `process`, no generic invoke. Each function sends its arguments on
 * its own prefixed channel and resolves to the `IpcResult` main answered; each `on<Event>` registers a
 * listener for one main→renderer event.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, buildBridge, createEventRouter } from '../common/ipc/bridge';
import { wireChannel } from '../common/ipc/methods';
import { EVENT_CHANNEL } from '../common/ipc/eventNames';

const events = createEventRouter();
ipcRenderer.on(EVENT_CHANNEL, (_event, message: unknown) => events.deliver(message));

contextBridge.exposeInMainWorld(
  BRIDGE_GLOBAL,
  buildBridge((method, args) => ipcRenderer.invoke(wireChannel(method), args), events.subscribe),
);
