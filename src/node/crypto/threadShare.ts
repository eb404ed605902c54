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
}

const MAX_WORKERS = 3;

interface PoolWorker {
  readonly worker: Worker;
  readonly pending: Map<number, (results: unknown[] | null) => void>;
}

const pools = new Map<ThreadEngine<never, unknown>, PoolWorker[]>();
let nextId = 0;
let answeredByWorkers = 0;

/** How many items worker threads have answered since start (tests check that a large batch was shared). */
export function itemsAnsweredByWorkers(): number {
  return answeredByWorkers;
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
    worker.on('message', ({ id, results }: { id: number; results: unknown[] }) => {
      answeredByWorkers += results.length;
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
function ask<I>(entry: PoolWorker, engine: ThreadEngine<I, unknown>, items: readonly I[]): Promise<unknown[] | null> {
  const id = nextId++;
  return new Promise((resolve) => {
    entry.pending.set(id, resolve);
    entry.worker.postMessage({ id, items: items.map(engine.compact) });
  });
}

/** The results for `items`, in order: shared with the engine's workers when there are at least `min`. */
export async function shareWork<I, R>(items: readonly I[], engine: ThreadEngine<I, R>, min: number): Promise<R[]> {
  if (items.length < min) return engine.here(items);
  const pool = poolOf(engine as unknown as ThreadEngine<never, unknown>);
  if (pool.length === 0) return engine.here(items);
  const share = Math.ceil(items.length / (pool.length + 1));
  const asked = pool.map((entry, i) => {
    const slice = items.slice((i + 1) * share, (i + 2) * share);
    return slice.length === 0 ? Promise.resolve([] as R[]) : ask(entry, engine, slice).then((results) => (results as R[] | null) ?? engine.here(slice));
  });
  const mine = engine.here(items.slice(0, share));
  return [...mine, ...(await Promise.all(asked)).flat()];
}
