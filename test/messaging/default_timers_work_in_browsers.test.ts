/**
 * The pipeline's default timers must work in browsers, where calling `setTimeout` as a method of another
 * object throws "Illegal invocation". The global is replaced, for this test only, by one that behaves like
 * the browser's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/common/messaging/options';

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
afterEach(() => {
  globalThis.setTimeout = realSetTimeout;
  globalThis.clearTimeout = realClearTimeout;
});

function browserLike<T extends (...a: never[]) => unknown>(real: T): T {
  return function (this: unknown, ...args: Parameters<T>) {
    if (this !== undefined && this !== globalThis) throw new TypeError('Illegal invocation');
    return real(...args);
  } as unknown as T;
}

describe('default typing timers', () => {
  it('call the global timers unbound, as browsers require', async () => {
    globalThis.setTimeout = browserLike(realSetTimeout) as typeof setTimeout;
    globalThis.clearTimeout = browserLike(realClearTimeout) as typeof clearTimeout;
    const { timers } = resolveSettings({} as never);
    let fired = false;
    const handle = timers.setTimeout(() => (fired = true), 1);
    await new Promise((r) => realSetTimeout(r, 20));
    expect(fired).toBe(true);
    expect(() => timers.clearTimeout(handle)).not.toThrow();
    const cancelled = timers.setTimeout(() => (fired = false), 5);
    timers.clearTimeout(cancelled);
    await new Promise((r) => realSetTimeout(r, 20));
    expect(fired).toBe(true);
  });
});
