/**
 * Scenario: Alice and Bob, a 1:1 conversation over the real relay. Each sends; each sees both messages once,
 * decrypted, in timetoken order, with the right sender; the sender's item goes sending → sent(timetoken).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, conversation, participant, startTestRelay, texts, waitFor } from './harness';

afterEach(cleanup);

describe('alice and bob message both ways', () => {
  it('delivers, decrypts and orders messages in both directions', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const dm = await conversation('dm-alice-bob', [alice, bob]);
    await alice.messaging.join([dm]);
    await bob.messaging.join([dm]);
    await waitFor('both live', () => alice.messaging.view(dm).live && bob.messaging.view(dm).live);

    const first = await alice.messaging.send(dm, { type: 'string', body: 'hi Bob' });
    expect(first).toMatchObject({ state: 'sent' });
    await waitFor('bob receives', () => texts(bob, dm).length === 1);
    const second = await bob.messaging.send(dm, { type: 'string', body: 'hi Alice' });
    const third = await alice.messaging.send(dm, { type: 'json', body: { lunch: true } });
    await waitFor('alice receives', () => texts(alice, dm).length === 2 && alice.messaging.view(dm).items.length === 3);
    await waitFor('bob receives all', () => bob.messaging.view(dm).items.length === 3);

    for (const p of [alice, bob]) {
      const items = p.messaging.view(dm).items;
      expect(items.map((i) => (i.kind === 'message' ? [i.message.body, i.senderUser] : i.kind))).toEqual([
        ['hi Bob', alice.user.userId],
        ['hi Alice', bob.user.userId],
        [{ lunch: true }, alice.user.userId],
      ]);
      expect(items.map((i) => i.timetoken)).toEqual([first, second, third].map((o) => (o.state === 'sent' ? o.timetoken : undefined)));
    }
    const aliceItems = alice.messaging.view(dm).items;
    expect(aliceItems.map((i) => (i.kind === 'message' ? i.delivery : undefined))).toEqual([{ state: 'sent' }, undefined, { state: 'sent' }]);
  });
});
