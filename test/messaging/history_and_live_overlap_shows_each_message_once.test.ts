/**
 * Scenario: the same message reaches Bob twice — live and again in the history catch-up (held back until
 * the live copies arrived), and a republished envelope (a retry that landed twice) at a later timetoken.
 * Bob's timeline shows each message once, at its first timetoken, in order.
 */
import type PubNub from 'pubnub';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, conversation, GatedCursorStore, participant, sdkClient, startTestRelay, texts, waitFor } from './harness';

afterEach(cleanup);

describe('history and live overlap shows each message once', () => {
  it('dedupes by timetoken and by message id', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const gated = new GatedCursorStore();
    const bob = await participant(relay, 'bob', {}, gated);
    const dm = await conversation('dm-overlap-1', [alice, bob]);
    const opener = await alice.messaging.send(dm, { type: 'string', body: 'before bob' });
    if (opener.state !== 'sent') throw new Error('send failed');
    gated.saved.set(dm, (BigInt(opener.timetoken) - 1n).toString());

    const statuses: string[] = [];
    bob.pubnub.addListener({ status: (s) => statuses.push(String(s.category)) });
    const joined = bob.messaging.join([dm]);
    await waitFor('bob connected', () => statuses.includes('PNConnectedCategory'));
    const sent: string[] = [opener.timetoken];
    for (let i = 1; i <= 5; i += 1) {
      const o = await alice.messaging.send(dm, { type: 'string', body: `live ${i}` });
      if (o.state === 'sent') sent.push(o.timetoken);
    }
    await waitFor('live copies', () => texts(bob, dm).length === 5);
    expect(bob.messaging.view(dm).live).toBe(false);

    gated.release();
    await joined;
    await waitFor('history copies settled', () => texts(bob, dm).length >= 6);
    expect(texts(bob, dm)).toEqual(['before bob', 'live 1', 'live 2', 'live 3', 'live 4', 'live 5']);
    expect(bob.messaging.view(dm).items.map((i) => i.timetoken)).toEqual(sent);

    const envelope = await alice.crypto.seal(dm, { id: 'msg-twice-0001' as never, sentAt: 1, type: 'string', body: 'landed twice' });
    const raw = sdkClient(relay, 'user-alice');
    const firstCopy = await raw.publish({ channel: 'conv.dm-overlap-1', message: envelope as PubNub.Payload });
    const secondCopy = await raw.publish({ channel: 'conv.dm-overlap-1', message: envelope as PubNub.Payload });
    raw.destroy(true);
    await bob.messaging.catchUp(dm);
    expect(bob.messaging.view(dm).lastTimetoken).toBe(secondCopy.timetoken);
    await bob.messaging.loadOlder(dm);
    expect(texts(bob, dm)).toEqual(['before bob', 'live 1', 'live 2', 'live 3', 'live 4', 'live 5', 'landed twice']);
    expect(bob.messaging.view(dm).items.at(-1)?.timetoken).toBe(firstCopy.timetoken);
  });
});
