/**
 * The renderer's typed client over `window.seed` (exposed by the preload, or by the web host's bridge):
 * each call resolves to the value main returned or rejects with a `BridgeError` carrying main's error code.
 * This is the only way the renderer reaches main; it never sees key material because no channel returns any.
 */
import type { RawBridge } from '../../../common/ipc/bridge';
import type { ChannelArgs, ChannelName, ChannelResult } from '../../../common/ipc/contract';

export class BridgeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}

export type BridgeClient = { [K in ChannelName]: (...args: ChannelArgs<K>) => Promise<ChannelResult<K>> };

export function createBridgeClient(raw: RawBridge | undefined): BridgeClient {
  return new Proxy({} as BridgeClient, {
    get(_target, name: string) {
      return async (...args: unknown[]) => {
        const fn = raw?.[name as ChannelName] as ((...a: unknown[]) => Promise<unknown>) | undefined;
        if (!fn) throw new BridgeError('bridge_unavailable', 'the app bridge is not available in this window');
        const result = (await fn(...args)) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
        if (result.ok) return result.value;
        throw new BridgeError(result.error?.code ?? 'internal', result.error?.message ?? 'call failed');
      };
    },
  });
}

export function windowBridge(): BridgeClient {
  return createBridgeClient((window as unknown as { seed?: RawBridge }).seed);
}
