/**
 * Scenario: Alice follows twenty conversations at once (one join). Bob writes in every one; each message
 * lands in its own conversation's timeline only, and each conversation's cursor follows. After Alice leaves
 * some of them, new messages there no longer arrive live but come back through catch-up when she rejoins.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import { cleanup, conversation, participant, startTestRelay, texts, waitFor } from './harness';

afterEach(cleanup);

describe('alice follows many conversations', () => {
  it('routes each conversation to its own timeline', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const ids: ConversationId[] = [];
    for (let i = 0; i < 20; i += 1) ids.push(await conversation(`many-conv-${String(i).padStart(2, '0')}`, [alice, bob]));
    await alice.messaging.join(ids);
    expect(alice.messaging.joined().sort()).toEqual([...ids].sort());
    await waitFor('all live', () => ids.every((id) => alice.messaging.view(id).live));

    await Promise.all(ids.map((id) => bob.messaging.send(id, { type: 'string', body: `hello ${id}` })));
    await waitFor('every conversation has its message', () => ids.every((id) => texts(alice, id).length === 1));
    for (const id of ids) expect(texts(alice, id)).toEqual([`hello ${id}`]);

    const left = ids.slice(0, 5);
    alice.messaging.leave(left);
    expect(left.every((id) => !alice.messaging.view(id).joined && !alice.messaging.view(id).live)).toBe(true);
    await Promise.all(ids.map((id) => bob.messaging.send(id, { type: 'string', body: `again ${id}` })));
    const stayed = ids.slice(5);
    await waitFor('joined conversations get the second message', () => stayed.every((id) => texts(alice, id).length === 2));
    expect(left.map((id) => texts(alice, id).length)).toEqual([1, 1, 1, 1, 1]);

    await alice.messaging.join(left);
    for (const id of left) expect(texts(alice, id)).toEqual([`hello ${id}`, `again ${id}`]);
  });
});
