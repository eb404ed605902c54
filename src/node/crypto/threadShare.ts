/**
 * Shares a batch of independent, CPU-bound crypto operations between this thread and worker threads
 * (docs/architecture.md, "Crypto providers"): the X25519 agreements of a rotation's wraps
 * (ephemeralPool.ts) and the Ed25519 verifications of a catch-up page (verifyBatch.ts). An engine is the
 * same steps twice — a function for this thread and script text for a worker, which cannot load our
 * (bundled) modules; a worker answers `{ id, results }` to `{ id, items }`.
 *
 * Workers start on first use (kept, unref'd: they never hold the process open), one pool per engine. A
 * batch smaller than the caller's minimum, a machine with one core, or a worker that fails runs here, in
 * this thread, the same way. Results come back in the caller's order.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** How one batch of `I` becomes results `R`, here and in a worker. */
export interface ThreadEngine<I, R> {
  readonly here: (items: readonly I[]) => R[];
  readonly workerSource: string;
  /** A compact, cloneable copy of an item for postMessage (a view's whole underlying buffer would be cloned). */
  readonly compact: (item: I) => unknown;
  /**
   * Optional: a part's items as one message whose buffers are transferred, not cloned, and the worker's
   * answer back into results — for items of several byte strings, where cloning each costs more than the
   * work. Without it, items go as `compact` copies and results as they come.
   */
  readonly packed?: {
    readonly pack: (items: readonly I[]) => { readonly payload: unknown; readonly transfer: ArrayBuffer[] };
    readonly unpack: (answer: unknown, count: number) => R[];
  };
}

const MAX_WORKERS = 3;

export interface PoolWorker {
  readonly worker: Worker;
  readonly pending: Map<number, (answer: unknown) => void>;
}

const pools = new Map<ThreadEngine<never, unknown>, PoolWorker[]>();
let nextId = 0;
let answeredByWorkers = 0;

/** How many items worker threads have answered since start (tests check that a large batch was shared). */
export function itemsAnsweredByWorkers(): number {
  return answeredByWorkers;
}

/** The workers of an engine's pool (started on first use; none on a one-core machine). */
export function workersOf<I, R>(engine: ThreadEngine<I, R>): readonly PoolWorker[] {
  return poolOf(engine as unknown as ThreadEngine<never, unknown>);
}

/** True while `entry` is in its engine's pool (a worker that failed has left it). */
export function isAlive<I, R>(engine: ThreadEngine<I, R>, entry: PoolWorker): boolean {
  return (pools.get(engine as unknown as ThreadEngine<never, unknown>) ?? []).includes(entry);
}

function poolOf(engine: ThreadEngine<never, unknown>): PoolWorker[] {
  const existing = pools.get(engine);
  if (existing) return existing;
  const count = Math.min(MAX_WORKERS, availableParallelism() - 1);
  const started: PoolWorker[] = [];
  for (let i = 0; i < count; i++) {
    const worker = new Worker(engine.workerSource, { eval: true });
    worker.unref();
    const entry: PoolWorker = { worker, pending: new Map() };
    worker.on('message', ({ id, results }: { id: number; results: unknown }) => {
      entry.pending.get(id)?.(results);
      entry.pending.delete(id);
    });
    const fail = () => {
      for (const settle of entry.pending.values()) settle(null);
      entry.pending.clear();
      pools.set(
        engine,
        (pools.get(engine) ?? []).filter((w) => w !== entry),
      );
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    started.push(entry);
  }
  pools.set(engine, started);
  return started;
}

/** Asks one worker; null when it failed (the caller then computes the share itself). */
export function ask<I, R>(entry: PoolWorker, engine: ThreadEngine<I, R>, items: readonly I[]): Promise<R[] | null> {
  const id = nextId++;
  return new Promise((resolve) => {
    entry.pending.set(id, (answer) => {
      if (answer === null) {
        resolve(null);
        return;
      }
      let results: R[];
      try {
        results = engine.packed ? engine.packed.unpack(answer, items.length) : (answer as R[]);
      } catch {
        resolve(null);
        return;
      }
      answeredByWorkers += results.length;
      resolve(results);
    });
    if (engine.packed) {
      const { payload, transfer } = engine.packed.pack(items);
      entry.worker.postMessage({ id, items: payload }, transfer);
    } else {
      entry.worker.postMessage({ id, items: items.map(engine.compact) });
    }
  });
}

/** How `shareWorkInParts` splits a batch. */
export interface ShareOptions {
  /** Below this many items the whole batch runs here. */
  readonly min: number;
}

/**
 * Computes `items` here and on the engine's workers, handing each part's results to `deliver` with the
 * offset of its first item as soon as that part is done: this thread's part first (synchronously), then
 * the workers' parts as their answers arrive, so the caller can go on with those while workers still work.
 * Every item is delivered exactly once; a worker that fails has its part computed here.
 */
export async function shareWorkInParts<I, R>(
  items: readonly I[],
  engine: ThreadEngine<I, R>,
  options: ShareOptions,
  deliver: (offset: number, results: readonly R[]) => void,
): Promise<void> {
  const pool = items.length < options.min ? [] : poolOf(engine as unknown as ThreadEngine<never, unknown>);
  if (pool.length === 0) {
    deliver(0, engine.here(items));
    return;
  }
  // Equal shares: this thread's first, then one part per worker.
  const hereCount = Math.ceil(items.length / (pool.length + 1));
  const perWorker = Math.ceil((items.length - hereCount) / pool.length);
  const asked: Promise<void>[] = [];
  pool.forEach((entry, w) => {
    const from = hereCount + w * perWorker;
    const slice = items.slice(from, Math.min(items.length, from + perWorker));
    if (slice.length > 0) asked.push(ask(entry, engine, slice).then((results) => deliver(from, results ?? engine.here(slice))));
  });
  deliver(0, engine.here(items.slice(0, hereCount)));
  await Promise.all(asked);
}

/**
 * The results for `items`, in order, balanced by demand rather than by fixed shares: the batch is cut into
 * parts of `chunk` items; each worker has two parts in hand at a time (the next goes out when it answers
 * one) taken from the front, while this thread computes parts from the back, letting worker answers in
 * between parts. A worker
 * that is slow (just started, its JIT still cold, or starved on a busy machine) then does less and this
 * thread more, so the batch never takes much longer than this thread alone would. Below `min` items, or
 * without workers, everything runs here; a worker that fails has its part computed here.
 */
export async function shareWorkBalanced<I, R>(
  items: readonly I[],
  engine: ThreadEngine<I, R>,
  options: { readonly min: number; readonly chunk: number },
): Promise<R[]> {
  const pool = items.length < options.min ? [] : poolOf(engine as unknown as ThreadEngine<never, unknown>);
  if (pool.length === 0) return engine.here(items);
  const results = new Array<R>(items.length);
  const chunk = Math.max(1, options.chunk);
  let front = 0;
  let back = items.length;
  const put = (from: number, part: readonly R[]) => {
    for (let i = 0; i < part.length; i++) results[from + i] = part[i] as R;
  };
  const feed = async (entry: PoolWorker): Promise<void> => {
    while (front < back) {
      const from = front;
      const to = Math.min(back, from + chunk);
      front = to;
      const slice = items.slice(from, to);
      // A worker that failed has left its pool: its parts are computed here.
      const alive = (pools.get(engine as unknown as ThreadEngine<never, unknown>) ?? []).includes(entry);
      put(from, (alive ? await ask(entry, engine, slice) : null) ?? engine.here(slice));
    }
  };
  const fed = Promise.all(pool.flatMap((entry) => [feed(entry), feed(entry)]));
  while (front < back) {
    const to = back;
    const from = Math.max(front, to - chunk);
    back = from;
    put(from, engine.here(items.slice(from, to)));
    // Let worker answers arrive (and their next parts go out) before the next part here.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await fed;
  return results;
}

/** The results for `items`, in order: shared with the engine's workers (equal shares) when there are at least `min`. */
export async function shareWork<I, R>(items: readonly I[], engine: ThreadEngine<I, R>, min: number): Promise<R[]> {
  const results = new Array<R>(items.length);
  await shareWorkInParts(items, engine, { min }, (offset, part) => {
    for (let i = 0; i < part.length; i++) results[offset + i] = part[i] as R;
  });
  return results;
}
