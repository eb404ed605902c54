/**
 * Calls that arrive together are computed together: a catch-up page or a history page opens its envelopes
 * concurrently (`Promise.all`), so their signature checks (verifyBatch.ts) or whole verify-and-decrypt
 * steps (openBatch.ts) reach the provider within one turn of the event loop. They are collected while more
 * keep arriving (microtask hops, never a timer or an event-loop turn), and a batch of at least
 * `options.min` is shared with worker threads (threadShare.ts) so every core works; a smaller one runs
 * here. Each caller still gets its own answer for its own item, so the order in which results are used and
 * the error each caller reports are what they were with one call at a time.
 */
import { ask, isAlive, shareWorkInParts, workersOf, type PoolWorker, type ShareOptions, type ThreadEngine } from './threadShare';

/**
 * Microtask hops with no new arrival before a batch is closed. Concurrent opens reach the provider a few
 * hops apart (their chains of awaits differ slightly); a lone caller waiting on its own answer adds
 * nothing, so its batch closes after GRACE_HOPS hops — well under a microsecond, no event-loop turn.
 */
const GRACE_HOPS = 4;

/** Calls `close` once GRACE_HOPS microtask hops have passed with `arrivals()` unchanged (never a timer). */
function closeWhenQuiet(arrivals: () => number, close: () => void): void {
  let seen = arrivals();
  let idle = 0;
  const check = () => {
    const now = arrivals();
    if (now !== seen) {
      seen = now;
      idle = 0;
    } else if (++idle >= GRACE_HOPS) {
      close();
      return;
    }
    queueMicrotask(check);
  };
  queueMicrotask(check);
}

interface Waiting<I, R> {
  readonly item: I;
  readonly settle: (result: R) => void;
  readonly fail: (err: unknown) => void;
}

/** `compute(item)` that coalesces calls arriving together into batches of `engine`. */
export function coalescing<I, R>(engine: ThreadEngine<I, R>, options: ShareOptions): (item: I) => Promise<R> {
  let queue: Waiting<I, R>[] = [];
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
  return (item) =>
    new Promise<R>((settle, fail) => {
      if (queue.length === 0) closeWhenQuiet(() => queue.length, flush);
      queue.push({ item, settle, fail });
    });
}

/** How `coalescingStreamed` hands parts to workers. */
export interface StreamOptions {
  /** Items per part; a batch that fills one part is large enough to share (at least the sharing minimum). */
  readonly chunk: number;
  /** Parts a worker may hold while calls still arrive (they start at once, while this thread prepares the rest). */
  readonly aheadWhileArriving: number;
  /** Parts a worker may hold once the batch has closed (this thread takes parts from the back meanwhile). */
  readonly inHand: number;
}

/**
 * `coalescing` for a page whose items this thread prepares one by one (parsing, decoding) before each
 * call: a worker receives a part as soon as `chunk` items have arrived, up to `aheadWhileArriving` parts
 * each, so it works while this thread still prepares the rest of the page instead of waiting for the whole
 * batch. When no more arrive (GRACE_HOPS hops), the remaining items are shared by demand, as
 * `shareWorkBalanced` does: each worker keeps `inHand` parts, taken from the front, and this thread
 * computes parts from the back, letting answers (and the callers' next steps) in between. A batch that
 * never fills a part runs here. A worker that fails has its parts computed here. Each caller gets its own
 * answer, as with one call at a time.
 */
export function coalescingStreamed<I, R>(engine: ThreadEngine<I, R>, options: StreamOptions): (item: I) => Promise<R> {
  const chunk = Math.max(1, options.chunk);
  let queue: Waiting<I, R>[] = [];
  let collecting = false;
  let closed = false;
  let sent = false;
  let arrived = 0;
  const held = new Map<PoolWorker, number>();

  const runHere = (part: readonly Waiting<I, R>[]) => {
    let results: R[];
    try {
      results = engine.here(part.map((q) => q.item));
    } catch (err) {
      for (const q of part) q.fail(err);
      return;
    }
    for (let i = 0; i < part.length; i++) part[i]?.settle(results[i] as R);
  };

  const send = (entry: PoolWorker, part: Waiting<I, R>[]) => {
    sent = true;
    held.set(entry, (held.get(entry) ?? 0) + 1);
    void ask(
      entry,
      engine,
      part.map((q) => q.item),
    ).then((results) => {
      held.set(entry, (held.get(entry) ?? 1) - 1);
      if (results === null) runHere(part);
      else for (let i = 0; i < part.length; i++) part[i]?.settle(results[i] as R);
      feed();
    });
  };

  /** Full parts from the front to workers with room (while arriving); after the close, any remainder too. */
  const feed = () => {
    const limit = closed ? options.inHand : options.aheadWhileArriving;
    for (const entry of workersOf(engine)) {
      if (!isAlive(engine, entry)) continue;
      while ((held.get(entry) ?? 0) < limit && (queue.length >= chunk || (closed && queue.length > 0))) send(entry, queue.splice(0, chunk));
    }
  };

  /** After the close: this thread computes parts from the back until the queue is empty. */
  const drainHere = () => {
    if (queue.length === 0) return;
    runHere(queue.splice(Math.max(0, queue.length - chunk)));
    if (queue.length > 0) setImmediate(drainHere);
  };

  const close = () => {
    collecting = false;
    if (!sent) {
      // Never filled a part: the whole (small) batch runs here, in one go.
      const batch = queue;
      queue = [];
      runHere(batch);
      return;
    }
    closed = true;
    feed();
    drainHere();
  };

  return (item) =>
    new Promise<R>((settle, fail) => {
      if (!collecting) {
        // A new batch. Items of an earlier one may still be queued or with workers: they keep their callers,
        // and whichever thread takes them answers them.
        collecting = true;
        closed = false;
        sent = queue.length > 0;
        arrived = 0;
        closeWhenQuiet(() => arrived, close);
      }
      arrived++;
      queue.push({ item, settle, fail });
      if (queue.length >= chunk) feed();
    });
}
