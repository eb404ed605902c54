/**
 * Ed25519 verifications that arrive together are verified together: a catch-up page or a history page
 * opens its envelopes concurrently (`Promise.all`), so their signature checks reach the provider within one
 * turn of the event loop. They are collected while more keep arriving (microtask hops, never a timer or an
 * event-loop turn), and a batch of at least
 * VERIFY_PARALLEL_MIN is shared with worker threads (threadShare.ts) so every core verifies; a smaller one
 * runs here. Each caller still gets its own answer for its own signature, so the order in which envelopes
 * are settled and the error each one reports are what they were with one verification at a time.
 */
import { shareWork, type ThreadEngine } from './threadShare';

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

/**
 * Microtask hops with no new arrival before a batch is closed. Concurrent opens reach their verification a
 * few hops apart (their chains of awaits differ slightly); a lone caller waiting on its own answer adds
 * nothing, so its batch closes after GRACE_HOPS hops — well under a microsecond, no event-loop turn.
 */
const GRACE_HOPS = 4;

/** `verify(publicKey, message, signature)` that coalesces calls arriving together. */
export function coalescingVerifier(engine: VerifyEngine): (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => Promise<boolean> {
  let queue: { item: VerifyItem; settle: (ok: boolean) => void; fail: (err: unknown) => void }[] = [];
  let seen = 0;
  let idle = 0;
  const flush = () => {
    const batch = queue;
    queue = [];
    const items = batch.map((q) => q.item);
    const done = (results: readonly boolean[]) => batch.forEach((q, i) => q.settle(results[i] === true));
    if (items.length < VERIFY_PARALLEL_MIN) {
      try {
        done(engine.here(items));
      } catch (err) {
        for (const q of batch) q.fail(err);
      }
      return;
    }
    shareWork(items, engine, VERIFY_PARALLEL_MIN).then(done, (err: unknown) => {
      for (const q of batch) q.fail(err);
    });
  };
  const check = () => {
    if (queue.length !== seen) {
      seen = queue.length;
      idle = 0;
    } else if (++idle >= GRACE_HOPS) {
      flush();
      return;
    }
    queueMicrotask(check);
  };
  return (publicKey, message, signature) =>
    new Promise<boolean>((settle, fail) => {
      if (queue.length === 0) {
        seen = 0;
        idle = 0;
        queueMicrotask(check);
      }
      queue.push({ item: { publicKey, message, signature }, settle, fail });
    });
}
