/**
 * Password-login back-off per account name and client address (docs/operations.md, "Rate limits"; the rule and
 * why in docs/threat-model.md, "Password guessing and lock-out"). It slows guessing without letting anyone who
 * knows a username keep its owner out:
 *
 * - Failures are counted per (account name, client address). The first `freeFailures` from one address cost
 *   nothing; after them each attempt from that address must wait `baseDelayMs · 2^(n−1)` (n = failures beyond
 *   the free ones), at most `maxDelayMs`, counted from its last failure. An attempt inside the wait is answered
 *   `rate_limited` with the seconds left and its password is not checked.
 * - An address that has not failed for this account is never waited on — the owner signing in from their own
 *   address gets through however hard someone else hammers the name. Only when the account has seen
 *   `alarmFailures` failures from all addresses together (a distributed guess) does a fresh address get a
 *   single free failure instead of `freeFailures`.
 * - A success clears that address's record; records are forgotten `forgetMs` after their last failure.
 * - An attempt is counted as a failure when it starts and cleared if it succeeds, so parallel guesses from one
 *   address are counted before the slow password check finishes.
 *
 * Device sessions (a signed challenge) never go through this: a signature cannot be guessed, and they are
 * limited per address only. State is in memory, per instance (like the address limiter).
 */
import { TooManyRequests } from '../http/httpErrors';

export interface LoginBackoff {
  /** Failures from one address that cost nothing; default 5. */
  readonly freeFailures: number;
  /** First wait after the free failures; doubles with each further failure. Default 1 s. */
  readonly baseDelayMs: number;
  /** Longest wait; default 15 minutes. */
  readonly maxDelayMs: number;
  /** Failures of an account from all addresses that make a fresh address get one free failure; default 20. */
  readonly alarmFailures: number;
  /** A record with no failure for this long is forgotten; default 1 hour. */
  readonly forgetMs: number;
}

export const DEFAULT_LOGIN_BACKOFF: LoginBackoff = {
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  alarmFailures: 20,
  forgetMs: 60 * 60_000,
};

interface Tally {
  failures: number;
  lastFailureAt: number;
}

/**
 * Memory bound against attackers inventing names and addresses: forgotten records are swept when a table
 * doubles past its last sweep (so a sweep is amortised), and at HARD_CAP the oldest half is dropped — which
 * only forgets failures, never blocks anyone.
 */
const SWEEP_AT = 100_000;
const HARD_CAP = 1_000_000;

export class LoginThrottle {
  private readonly pairs = new Map<string, Tally>();
  private readonly accounts = new Map<string, Tally>();
  private readonly sweepAt = new Map<Map<string, Tally>, number>();

  constructor(
    private readonly config: LoginBackoff = DEFAULT_LOGIN_BACKOFF,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Starts a login attempt for `username` from `address`: throws TooManyRequests while that address must wait,
   * else counts the attempt as a failure and returns the function that clears it on success.
   */
  begin(username: string, address: string): { succeeded(): void } {
    const now = this.now();
    const account = username.toLowerCase();
    const pairKey = `${account}\n${address}`;
    const pair = this.live(this.pairs, pairKey, now);
    const total = this.live(this.accounts, account, now);
    const free = (total?.failures ?? 0) >= this.config.alarmFailures ? 1 : this.config.freeFailures;
    if (pair !== undefined && pair.failures >= free) {
      const beyond = pair.failures - free + 1;
      const wait = Math.min(this.config.baseDelayMs * 2 ** Math.min(beyond - 1, 40), this.config.maxDelayMs);
      const left = pair.lastFailureAt + wait - now;
      if (left > 0) throw new TooManyRequests(Math.max(1, Math.ceil(left / 1000)));
    }
    this.count(this.pairs, pairKey, pair, now);
    this.count(this.accounts, account, total, now);
    return {
      succeeded: () => {
        this.pairs.delete(pairKey);
        const t = this.accounts.get(account);
        if (t !== undefined && t.failures > 0) t.failures -= 1;
      },
    };
  }

  private live(map: Map<string, Tally>, key: string, now: number): Tally | undefined {
    const entry = map.get(key);
    if (entry !== undefined && now - entry.lastFailureAt >= this.config.forgetMs) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  private count(map: Map<string, Tally>, key: string, entry: Tally | undefined, now: number): void {
    if (entry === undefined) {
      if (map.size >= (this.sweepAt.get(map) ?? SWEEP_AT)) this.sweep(map, now);
      map.set(key, { failures: 1, lastFailureAt: now });
      return;
    }
    // Re-inserted so the map's order stays oldest-failure first (what HARD_CAP drops).
    map.delete(key);
    entry.failures += 1;
    entry.lastFailureAt = now;
    map.set(key, entry);
  }

  private sweep(map: Map<string, Tally>, now: number): void {
    for (const [key, entry] of map) if (now - entry.lastFailureAt >= this.config.forgetMs) map.delete(key);
    if (map.size >= HARD_CAP / 2) {
      for (const key of map.keys()) {
        if (map.size < HARD_CAP / 2) break;
        map.delete(key);
      }
    }
    this.sweepAt.set(map, Math.min(Math.max(SWEEP_AT, map.size * 2), HARD_CAP));
  }
}
