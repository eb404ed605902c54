/**
 * Retry delays of the PubNub outbox (docs/operations.md, "The PubNub outbox"): exponential, capped, with
 * jitter — the n-th failure waits between half and all of min(cap, base·2^(n-1)), so many rows that failed
 * together (a PubNub outage) do not come back in one burst.
 */
export interface Backoff {
  /** Delay after the first failure (before jitter); default 250 ms. */
  readonly baseMs: number;
  /** Largest delay (before jitter); default 60 s. */
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 250, capMs: 60_000 };

/** The wait after the `failures`-th failure (1 = the first); `random` in [0, 1). */
export function retryDelayMs(failures: number, backoff: Backoff, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
