/**
 * Ed25519 verifications that arrive together are verified together (coalescingBatch.ts): a batch of at
 * least VERIFY_PARALLEL_MIN signatures is shared with worker threads, a smaller one runs here. Each caller
 * still gets its own answer for its own signature.
 */
import { coalescing } from './coalescingBatch';
import type { ThreadEngine } from './threadShare';

/** One signature check. */
export interface VerifyItem {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** How a provider verifies, here and in a worker. */
export type VerifyEngine = ThreadEngine<VerifyItem, boolean>;

/** Below this many signatures a batch is verified in this thread. */
export const VERIFY_PARALLEL_MIN = 48;

/** A compact copy for postMessage. */
export const compactVerifyItem = (item: VerifyItem): VerifyItem => ({
  publicKey: item.publicKey.slice(),
  message: item.message.slice(),
  signature: item.signature.slice(),
});

/** The message handler of a verify worker, after a script that defines `verify(item)`. */
export const VERIFY_WORKER_HANDLER = `
parentPort.on('message', ({ id, items }) => parentPort.postMessage({ id, results: items.map(verify) }));`;

/** `verify(publicKey, message, signature)` that coalesces calls arriving together. */
export function coalescingVerifier(engine: VerifyEngine): (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => Promise<boolean> {
  const verify = coalescing(engine, { min: VERIFY_PARALLEL_MIN });
  return (publicKey, message, signature) => verify({ publicKey, message, signature });
}
