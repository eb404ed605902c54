/**
 * Builds the renderer-facing bridge from the contract: one named async function per method, over any
 * `invoke` transport (Electron's ipcRenderer in the preload, HTTP in the web host), and one named
 * `on<Event>(listener) → unsubscribe` per main→renderer event, over any `subscribe` transport. What crosses
 * into the page is a frozen object of functions that resolve to plain `IpcResult` data; the renderer's
 * client (src/renderer/src/bridge/client.ts) unwraps them into values or typed errors.
 */
import { EventMap } from '../events/eventMap';
import { methodNames, type MethodName } from './methods';
import type { MethodArgs, MethodResult } from './contract';
import { eventNames, listenerName, type EventName } from './eventNames';
import type { EventPayload } from './events';
import type { IpcResult } from './result';

export type RawBridge = { readonly [K in MethodName]: (...args: MethodArgs<K>) => Promise<IpcResult<MethodResult<K>>> } & {
  readonly [E in EventName as `on${Capitalize<E>}`]: (listener: (payload: EventPayload<E>) => void) => () => void;
};

export type Invoke = (method: MethodName, args: unknown[]) => Promise<unknown>;
export type Subscribe = (event: EventName, listener: (payload: unknown) => void) => () => void;

/** The global name the bridge is exposed under (`window.seed`). */
export const BRIDGE_GLOBAL = 'seed';

export function buildBridge(invoke: Invoke, subscribe: Subscribe): RawBridge {
  const bridge: Record<string, unknown> = {};
  for (const name of methodNames) {
    bridge[name] = (...args: unknown[]) => invoke(name, args);
  }
  for (const event of eventNames) {
    bridge[listenerName(event)] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`${listenerName(event)} needs a function`);
      return subscribe(event, listener);
    };
  }
  return Object.freeze(bridge) as unknown as RawBridge;
}

/** Routes the transport's `{ name, payload }` messages to the subscribers of that event. */
export function createEventRouter(): { subscribe: Subscribe; deliver(message: unknown): void } {
  const events = new EventMap<Record<EventName, [payload: unknown]>>();
  return {
    subscribe: (event, listener) => events.on(event, listener),
    deliver(message) {
      if (typeof message !== 'object' || message === null) return;
      const { name, payload } = message as { name?: unknown; payload?: unknown };
      if (isEventName(name)) events.fire(name, payload);
    },
  };
}

function isEventName(name: unknown): name is EventName {
  return (eventNames as readonly unknown[]).includes(name);
}
