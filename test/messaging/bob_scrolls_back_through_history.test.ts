/**
 * Scenario: Alice sent 310 messages before Bob opens the conversation on a fresh device. Bob sees the newest
 * page first, then scrolls back page by page until the first message; every message is decrypted once,
 * in order, and a reaction to an old message (a `reaction` envelope in the newest page) shows once its page
 * brings the message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, conversation, participant, startTestRelay, texts } from './harness';

afterEach(cleanup);

describe('bob scrolls back through history', () => {
  it('pages 310 messages newest first and decrypts them all', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const dm = await conversation('dm-history-310', [alice, bob]);
    const total = 310;
    const sent: string[] = [];
    for (let i = 0; i < total; i += 1) {
      const outcome = await alice.messaging.send(dm, { type: 'string', body: `message ${i}` });
      if (outcome.state !== 'sent') throw new Error(outcome.message);
      sent.push(outcome.timetoken);
    }
    await alice.messaging.react(dm, sent[3] as string, '🎉');

    // The reaction is a sealed envelope of its own (docs/protocol.md §7.7): the newest of the 311 entries.
    const entries = total + 1;
    await bob.messaging.join([dm]);
    expect(texts(bob, dm)).toEqual(Array.from({ length: 24 }, (_, i) => `message ${total - 24 + i}`));
    expect(bob.messaging.view(dm).reachedStart).toBe(false);

    let pages = 1;
    while (!bob.messaging.view(dm).reachedStart) {
      const before = texts(bob, dm).length;
      const { added } = await bob.messaging.loadOlder(dm);
      pages += 1;
      expect(texts(bob, dm).length).toBe(before + added);
    }
    expect(pages).toBe(Math.ceil(entries / 25) + (entries % 25 === 0 ? 1 : 0));
    expect(texts(bob, dm)).toEqual(Array.from({ length: total }, (_, i) => `message ${i}`));
    const items = bob.messaging.view(dm).items;
    expect(items.map((i) => i.timetoken)).toEqual(sent);
    expect(items[3]).toMatchObject({ kind: 'message', reactions: [{ value: '🎉', actors: ['user-alice'], mine: false }] });
    expect(await bob.messaging.loadOlder(dm)).toEqual({ added: 0, reachedStart: true });
  });
});
