/**
 * Message actions as the messenger uses them (reactions, read receipts): add, live delivery to subscribers,
 * paging with `getMessageActions`, history-with-actions through `fetchMessages`, removal, and the duplicate
 * refusal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, client, collect, failure, startTestRelay, subscribeAndWait, waitFor } from './helpers';

afterEach(cleanup);

describe('bob reacts and marks read', () => {
  it('delivers, lists, attaches to history and removes message actions', async () => {
    const relay = await startTestRelay();
    const alice = client(relay, 'alice');
    const bob = client(relay, 'bob');
    const seen = collect(alice);
    await subscribeAndWait(alice, seen, { channels: ['conv.ab'] });

    const { timetoken } = await alice.publish({ channel: 'conv.ab', message: 'lunch?' });
    const smile = await bob.addMessageAction({ channel: 'conv.ab', messageTimetoken: timetoken, action: { type: 'reaction', value: 'smile' } });
    const read = await bob.addMessageAction({ channel: 'conv.ab', messageTimetoken: timetoken, action: { type: 'receipt', value: 'read' } });
    expect(smile.data).toMatchObject({ type: 'reaction', value: 'smile', uuid: 'bob', messageTimetoken: timetoken });
    expect(BigInt(read.data.actionTimetoken)).toBeGreaterThan(BigInt(smile.data.actionTimetoken));

    await waitFor('two action events', () => seen.actions.length === 2);
    expect(seen.actions.map((a) => [a.event, a.data.type, a.data.value, a.data.uuid, a.data.messageTimetoken])).toEqual([
      ['added', 'reaction', 'smile', 'bob', timetoken],
      ['added', 'receipt', 'read', 'bob', timetoken],
    ]);

    const dup = await failure(bob.addMessageAction({ channel: 'conv.ab', messageTimetoken: timetoken, action: { type: 'reaction', value: 'smile' } }));
    expect(dup.statusCode).toBe(409);

    const listed = await alice.getMessageActions({ channel: 'conv.ab' });
    expect(listed.data.map((a) => a.value)).toEqual(['smile', 'read']);
    const firstPage = await alice.getMessageActions({ channel: 'conv.ab', limit: 1 });
    expect(firstPage.data.map((a) => a.value)).toEqual(['read']);
    expect(firstPage.more).toBeDefined();
    const secondPage = await alice.getMessageActions({ channel: 'conv.ab', limit: 1, start: firstPage.data[0]?.actionTimetoken });
    expect(secondPage.data.map((a) => a.value)).toEqual(['smile']);

    const history = await alice.fetchMessages({ channels: ['conv.ab'], includeMessageActions: true });
    const [entry] = history.channels['conv.ab'] ?? [];
    expect((entry as { actions?: unknown } | undefined)?.actions).toEqual({
      reaction: { smile: [{ uuid: 'bob', actionTimetoken: smile.data.actionTimetoken }] },
      receipt: { read: [{ uuid: 'bob', actionTimetoken: read.data.actionTimetoken }] },
    });

    await bob.removeMessageAction({ channel: 'conv.ab', messageTimetoken: timetoken, actionTimetoken: smile.data.actionTimetoken });
    await waitFor('removal event', () => seen.actions.length === 3);
    expect(seen.actions[2]).toMatchObject({ event: 'removed', data: { type: 'reaction', value: 'smile' } });
    expect((await alice.getMessageActions({ channel: 'conv.ab' })).data.map((a) => a.value)).toEqual(['read']);
    const again = await failure(bob.removeMessageAction({ channel: 'conv.ab', messageTimetoken: timetoken, actionTimetoken: smile.data.actionTimetoken }));
    expect(again.statusCode).toBe(404);
  });
});
