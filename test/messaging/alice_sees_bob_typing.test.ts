/**
 * Scenario: Bob types in the DM. Alice sees "Bob is typing" from a PubNub signal; it expires by itself when
 * no new signal arrives, ends at once on a stop signal or when Bob's message arrives; Bob never sees his
 * own indicator; repeated keystrokes are throttled to one signal per interval. Disposing the pipeline
 * leaves no timer running.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TypingTimers } from '../../src/common/messaging/typing';
import { cleanup, conversation, participant, startTestRelay, waitFor } from './harness';

afterEach(cleanup);

/** Real timers that count the ones still pending. */
function countingTimers(): TypingTimers & { active: Set<unknown> } {
  const active = new Set<unknown>();
  return {
    active,
    setTimeout(handler, ms) {
      const handle = setTimeout(() => {
        active.delete(handle);
        handler();
      }, ms);
      active.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      active.delete(handle);
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
  };
}

describe('alice sees bob typing', () => {
  it('shows, expires and clears the typing indicator', async () => {
    const relay = await startTestRelay();
    const timers = countingTimers();
    const alice = await participant(relay, 'alice', { typingTimeoutMs: 500, timers });
    let clock = 1_000_000;
    const bob = await participant(relay, 'bob', { now: () => clock });
    const dm = await conversation('dm-typing-1', [alice, bob]);
    await alice.messaging.join([dm]);
    await bob.messaging.join([dm]);
    await waitFor('both live', () => alice.messaging.view(dm).live && bob.messaging.view(dm).live);
    const signals: unknown[] = [];
    alice.pubnub.addListener({ signal: (s) => signals.push(s.message) });

    await bob.messaging.setTyping(dm, true);
    await waitFor('alice sees bob typing', () => alice.messaging.view(dm).typing.includes('user-bob'));
    expect(bob.messaging.view(dm).typing).toEqual([]);
    await waitFor('indicator expires', () => alice.messaging.view(dm).typing.length === 0);
    expect(timers.active.size).toBe(0);

    clock += 5_000;
    await bob.messaging.setTyping(dm, true);
    await bob.messaging.setTyping(dm, true);
    await bob.messaging.setTyping(dm, true);
    await waitFor('typing again', () => alice.messaging.view(dm).typing.includes('user-bob'));
    await bob.messaging.setTyping(dm, false);
    await waitFor('stop signal clears', () => alice.messaging.view(dm).typing.length === 0);
    expect(signals).toEqual([{ typing: true }, { typing: true }, { typing: false }]);

    clock += 5_000;
    await bob.messaging.setTyping(dm, true);
    await waitFor('typing once more', () => alice.messaging.view(dm).typing.includes('user-bob'));
    await bob.messaging.send(dm, { type: 'string', body: 'done typing' });
    await waitFor('message clears', () => alice.messaging.view(dm).typing.length === 0 && alice.messaging.view(dm).items.length === 1);

    await bob.messaging.setTyping(dm, true);
    await waitFor('typing before dispose', () => alice.messaging.view(dm).typing.includes('user-bob'));
    expect(timers.active.size).toBe(1);
    await alice.messaging.dispose();
    expect(timers.active.size).toBe(0);
  });
});
