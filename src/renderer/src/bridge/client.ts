/**
 * The renderer's typed client over `window.seed` (exposed by the preload, or by the web host's bridge):
 * each call resolves to the value main returned or rejects with a `BridgeError` carrying main's error code.
 * `createBridgeEvents` gives typed subscriptions to main→renderer events (src/common/ipc/events.ts).
 * This is the only way the renderer reaches main; it never sees key material because no method returns any.
 */
import type { RawBridge } from '../../../common/ipc/bridge';
import type { MethodArgs, MethodName, MethodResult } from '../../../common/ipc/contract';
import { listenerName, type EventName } from '../../../common/ipc/eventNames';
import type { EventPayload } from '../../../common/ipc/events';

export class BridgeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}

export type BridgeClient = { [K in MethodName]: (...args: MethodArgs<K>) => Promise<MethodResult<K>> };

/** Typed main→renderer event subscriptions; each `on` returns its unsubscribe function. */
export interface BridgeEvents {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export function createBridgeClient(raw: RawBridge | undefined): BridgeClient {
  return new Proxy({} as BridgeClient, {
    get(_target, name: string) {
      return async (...args: unknown[]) => {
        const fn = raw?.[name as MethodName] as ((...a: unknown[]) => Promise<unknown>) | undefined;
        if (!fn) throw new BridgeError('bridge_unavailable', 'the app bridge is not available in this window');
        const result = (await fn(...args)) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
        if (result.ok) return result.value;
        throw new BridgeError(result.error?.code ?? 'internal', result.error?.message ?? 'call failed');
      };
    },
  });
}

/** Events over the raw bridge; without a bridge, subscribing does nothing (the calls report the error). */
export function createBridgeEvents(raw: RawBridge | undefined): BridgeEvents {
  return {
    on(event, listener) {
      const subscribe = raw?.[listenerName(event)] as ((l: (payload: unknown) => void) => () => void) | undefined;
      if (!subscribe) return () => {};
      return subscribe((payload) => listener(payload as EventPayload<typeof event>));
    },
  };
}

function rawWindowBridge(): RawBridge | undefined {
  return (window as unknown as { seed?: RawBridge }).seed;
}

export function windowBridge(): BridgeClient {
  return createBridgeClient(rawWindowBridge());
}

export function windowEvents(): BridgeEvents {
  return createBridgeEvents(rawWindowBridge());
}
