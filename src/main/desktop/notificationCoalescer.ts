/**
 * Rate limit of desktop notifications (docs/desktop.md §Desktop notifications): per conversation, at most
 * one notification per window (`COALESCE_MS`). The first message of a quiet conversation is shown at
 * once; messages arriving within the window after it are held, and when the window ends one summary
 * notification stands for all of them (the newest message and how many there were), which starts the
 * next window. The clock is injected so tests step it instead of waiting.
 */

export const COALESCE_MS = 5_000;

export interface Clock {
  now(): number;
  /** Runs `run` after `ms`; returns the cancel function. A pending call must not keep the process alive. */
  schedule(run: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(run, ms) {
    const timer = setTimeout(run, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

interface Entry<T> {
  shownAt: number;
  held: number;
  newest: T | null;
  cancel: (() => void) | null;
}

/**
 * `offer` says whether a message is shown now or was held for the summary. `flush` shows a summary and
 * answers whether it was shown; `shown` records a notification the caller showed.
 */
export class NotificationCoalescer<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly clock: Clock,
    private readonly flush: (key: string, newest: T, count: number) => boolean,
    private readonly windowMs = COALESCE_MS,
  ) {}

  offer(key: string, item: T): 'now' | 'held' {
    const now = this.clock.now();
    this.prune(now);
    const entry = this.entries.get(key);
    if (entry === undefined || now - entry.shownAt >= this.windowMs) return 'now';
    entry.held += 1;
    entry.newest = item;
    entry.cancel ??= this.clock.schedule(() => this.end(key), entry.shownAt + this.windowMs - now);
    return 'held';
  }

  shown(key: string): void {
    const entry = this.entries.get(key);
    entry?.cancel?.();
    this.entries.set(key, { shownAt: this.clock.now(), held: 0, newest: null, cancel: null });
  }

  /** Cancels every pending summary. */
  clear(): void {
    for (const entry of this.entries.values()) entry.cancel?.();
    this.entries.clear();
  }

  private end(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    entry.cancel = null;
    const { newest, held } = entry;
    entry.held = 0;
    entry.newest = null;
    if (newest !== null && held > 0 && this.flushSafely(key, newest, held)) this.shown(key);
  }

  /** A summary runs from a timer, where a throw would take the process down: a failure counts as not shown. */
  private flushSafely(key: string, newest: T, count: number): boolean {
    try {
      return this.flush(key, newest, count);
    } catch {
      return false;
    }
  }

  /** Forgets conversations whose window ended with nothing held. */
  private prune(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.cancel === null && now - entry.shownAt >= this.windowMs) this.entries.delete(key);
    }
  }
}
