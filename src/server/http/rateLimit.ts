/**
 * Fixed-window rate limiting for the auth endpoints (docs/api.md, "Accounts and sessions"): at most
 * `limit` hits per key per window, keyed by client address and by account name. State is per instance
 * (docs/operations.md: behind a load balancer, the effective limit is per instance).
 */
import { TooManyRequests } from './httpErrors';

export interface RateLimit {
  readonly limit: number;
  readonly windowMs: number;
}

interface Window {
  start: number;
  count: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly config: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one hit for `key`; throws TooManyRequests once the window's budget is spent. */
  hit(key: string): void {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.config.windowMs) {
      if (this.windows.size > 100_000) this.sweep(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count > this.config.limit) {
      throw new TooManyRequests(Math.max(1, Math.ceil((w.start + this.config.windowMs - now) / 1000)));
    }
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.config.windowMs) this.windows.delete(key);
  }
}
