/**
 * Scenario: Bob reacts to Alice's message (a sealed `reaction` envelope, docs/protocol.md §7.7) and marks the
 * conversation read (the PubNub message action `receipt`/`read`). Alice sees the reaction and that Bob read up to there, live;
 * Bob removes his reaction and Alice sees that too; a restarted Alice gets both back from history.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageItem } from '../../src/common/messaging/timelineItem';
import { cleanup, conversation, participant, restart, startTestRelay, stop, waitFor } from './harness';

afterEach(cleanup);

describe('bob reacts and marks read', () => {
  it('round-trips reactions and read receipts', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const dm = await conversation('dm-actions-1', [alice, bob]);
    await alice.messaging.join([dm]);
    await bob.messaging.join([dm]);
    await waitFor('both live', () => alice.messaging.view(dm).live && bob.messaging.view(dm).live);
    const first = await alice.messaging.send(dm, { type: 'string', body: 'first' });
    const second = await alice.messaging.send(dm, { type: 'string', body: 'second' });
    if (first.state !== 'sent' || second.state !== 'sent') throw new Error('send failed');
    await waitFor('bob has both', () => bob.messaging.view(dm).items.length === 2);

    const messages = (p: typeof alice) => p.messaging.view(dm).items as MessageItem[];
    expect([bob.messaging.view(dm).unread, alice.messaging.view(dm).unread]).toEqual([2, 0]);
    await bob.messaging.react(dm, first.timetoken, '👍');
    await bob.messaging.react(dm, first.timetoken, '👍');
    await bob.messaging.markRead(dm, first.timetoken);
    expect(bob.messaging.view(dm).unread).toBe(1);
    await bob.messaging.markRead(dm);
    expect(bob.messaging.view(dm).unread).toBe(0);
    expect(messages(bob)[0]?.reactions).toEqual([{ value: '👍', actors: ['user-bob'], mine: true }]);
    await waitFor(
      'alice sees reaction and receipt',
      () => messages(alice)[1]?.readBy.includes('user-bob') === true && messages(alice)[0]?.reactions.length === 1,
    );
    expect(messages(alice).map((m) => [m.message.body, m.reactions, m.readBy])).toEqual([
      ['first', [{ value: '👍', actors: ['user-bob'], mine: false }], ['user-bob']],
      ['second', [], ['user-bob']],
    ]);

    await alice.messaging.react(dm, first.timetoken, '👍');
    await waitFor('two actors', () => messages(bob)[0]?.reactions[0]?.actors.length === 2);
    await bob.messaging.unreact(dm, first.timetoken, '👍');
    await waitFor('alice sees removal', () => messages(alice)[0]?.reactions[0]?.actors.length === 1);
    expect(messages(alice)[0]?.reactions).toEqual([{ value: '👍', actors: ['user-alice'], mine: true }]);
    await bob.messaging.markRead(dm, first.timetoken);

    await stop(alice);
    alice.cursors.saved.clear();
    restart(alice, relay);
    await alice.messaging.join([dm]);
    expect(messages(alice).map((m) => [m.message.body, m.reactions, m.readBy])).toEqual([
      ['first', [{ value: '👍', actors: ['user-alice'], mine: true }], ['user-bob']],
      ['second', [], ['user-bob']],
    ]);
    await expect(bob.messaging.react(dm, first.timetoken, 'two words')).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
