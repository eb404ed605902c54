/**
 * Calls that arrive together are computed together: a catch-up page or a history page opens its envelopes
 * concurrently (`Promise.all`), so their signature checks (verifyBatch.ts) or whole verify-and-decrypt
 * steps (openBatch.ts) reach the provider within one turn of the event loop. They are collected while more
 * keep arriving (microtask hops, never a timer or an event-loop turn), and a batch of at least
 * `options.min` is shared with worker threads (threadShare.ts) so every core works; a smaller one runs
 * here. Each caller still gets its own answer for its own item, so the order in which results are used and
 * the error each caller reports are what they were with one call at a time.
 */
import { shareWorkInParts, type ShareOptions, type ThreadEngine } from './threadShare';

/**
 * Microtask hops with no new arrival before a batch is closed. Concurrent opens reach the provider a few
 * hops apart (their chains of awaits differ slightly); a lone caller waiting on its own answer adds
 * nothing, so its batch closes after GRACE_HOPS hops — well under a microsecond, no event-loop turn.
 */
const GRACE_HOPS = 4;

interface Waiting<I, R> {
  readonly item: I;
  readonly settle: (result: R) => void;
  readonly fail: (err: unknown) => void;
}

/** `compute(item)` that coalesces calls arriving together into batches of `engine`. */
export function coalescing<I, R>(engine: ThreadEngine<I, R>, options: ShareOptions): (item: I) => Promise<R> {
  let queue: Waiting<I, R>[] = [];
  let seen = 0;
  let idle = 0;
  const flush = () => {
    const batch = queue;
    queue = [];
    const deliver = (offset: number, results: readonly R[]) => {
      for (let i = 0; i < results.length; i++) batch[offset + i]?.settle(results[i] as R);
    };
    const failAll = (err: unknown) => {
      for (const q of batch) q.fail(err);
    };
    try {
      shareWorkInParts(
        batch.map((q) => q.item),
        engine,
        options,
        deliver,
      ).catch(failAll);
    } catch (err) {
      failAll(err);
    }
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
  return (item) =>
    new Promise<R>((settle, fail) => {
      if (queue.length === 0) {
        seen = 0;
        idle = 0;
        queueMicrotask(check);
      }
      queue.push({ item, settle, fail });
    });
}
