/**
 * The key service's cache of unwrapped data keys (server-trusted custody; docs/operations.md "Key custody"):
 * bounded in time and size, least recently used evicted first, and callers get
 * copies (zeroing one does not touch the cached key). A clock the test moves, no timers.
 */
import { expect, it } from 'vitest';
import { DataKeyCache } from '../../src/server/custody/dataKeyCache';

const key = (b: number) => new Uint8Array(32).fill(b);

it('serves a copy within the TTL and nothing after it', () => {
  let now = 1_000;
  const cache = new DataKeyCache({ ttlMs: 100, maxEntries: 4 }, () => now);
  const original = key(7);
  cache.put('c/1', original);
  original.fill(0);
  const copy = cache.get('c/1')!;
  expect(copy).toEqual(key(7));
  copy.fill(0);
  expect(cache.get('c/1')).toEqual(key(7));
  now += 100;
  expect(cache.get('c/1')).toBeUndefined();
  expect(cache.size).toBe(0);
});

it('holds at most maxEntries keys, dropping the least recently used', () => {
  const cache = new DataKeyCache({ ttlMs: 1_000, maxEntries: 2 }, () => 0);
  cache.put('a', key(1));
  cache.put('b', key(2));
  expect(cache.get('a')).toEqual(key(1)); // a is now the most recently used
  cache.put('c', key(3));
  expect(cache.size).toBe(2);
  expect(cache.get('b')).toBeUndefined();
  expect(cache.get('a')).toEqual(key(1));
  expect(cache.get('c')).toEqual(key(3));
});

it('a TTL of 0 turns the cache off; clear() empties it', () => {
  const off = new DataKeyCache({ ttlMs: 0 }, () => 0);
  off.put('a', key(1));
  expect(off.get('a')).toBeUndefined();
  const on = new DataKeyCache({}, () => 0);
  on.put('a', key(1));
  on.clear();
  expect(on.get('a')).toBeUndefined();
  expect(on.size).toBe(0);
});
