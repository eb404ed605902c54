/**
 * The key service's cache of unwrapped data keys (server-trusted custody; docs/operations.md "Key
 * custody"), so a fetch does not call the KMS every time: at most `maxEntries` keys, each for at most
 * `ttlMs` after its KMS call, least recently used evicted first. An evicted or expired key is zeroed. The
 * cache lives in the process only; a restart empties it. Disabling the KMS key stops new versions at once
 * and stops serving a cached version within `ttlMs`.
 */

export interface DataKeyCacheOptions {
  /** How long a key unwrapped by the KMS may be served from memory; default 60 s, 0 turns the cache off. */
  readonly ttlMs?: number;
  /** How many keys at most; default 1,024. */
  readonly maxEntries?: number;
}

export const DEFAULT_DATA_KEY_TTL_MS = 60_000;
export const DEFAULT_DATA_KEY_ENTRIES = 1024;

interface Entry {
  readonly key: Uint8Array;
  readonly until: number;
}

export class DataKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    opts: DataKeyCacheOptions,
    private readonly now: () => number,
  ) {
    this.ttlMs = Math.max(0, opts.ttlMs ?? DEFAULT_DATA_KEY_TTL_MS);
    this.maxEntries = Math.max(0, opts.maxEntries ?? DEFAULT_DATA_KEY_ENTRIES);
  }

  /** A copy of the cached key, or undefined (absent or expired; an expired one is zeroed). */
  get(id: string): Uint8Array | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    this.entries.delete(id);
    if (entry.until <= this.now()) {
      entry.key.fill(0);
      return undefined;
    }
    this.entries.set(id, entry);
    return entry.key.slice();
  }

  /** Keeps a copy of `key` (the caller keeps and zeroes its own). */
  put(id: string, key: Uint8Array): void {
    if (this.ttlMs === 0 || this.maxEntries === 0) return;
    this.entries.get(id)?.key.fill(0);
    this.entries.delete(id);
    this.entries.set(id, { key: key.slice(), until: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const [oldest, entry] = this.entries.entries().next().value as [string, Entry];
      entry.key.fill(0);
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Zeroes and drops every key (on close). */
  clear(): void {
    for (const entry of this.entries.values()) entry.key.fill(0);
    this.entries.clear();
  }
}
