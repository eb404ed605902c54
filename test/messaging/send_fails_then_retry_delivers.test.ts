/**
 * Scenario: sends that cannot be delivered end `failed` with a typed reason and are retried by the user:
 * Carol's device has no key yet (seal_failed), then the relay is down (network). Each retry seals again
 * under the same message id and ends `sent`; Bob, subscribed throughout, sees each message once, and
 * after the relay restart catches up from history with nothing lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, conversation, participant, rotate, startTestRelay, texts, waitFor } from './harness';

afterEach(cleanup);

describe('send fails then retry delivers', () => {
  it('marks failed sends with a typed reason and delivers them on retry', async () => {
    const relay = await startTestRelay();
    const bob = await participant(relay, 'bob');
    const carol = await participant(relay, 'carol');
    const group = await conversation('group-retry-1', [bob]);
    for (const [m, other] of [
      [bob, carol],
      [carol, bob],
      [carol, carol],
    ] as const) {
      await m.crypto.admit(group, other.user.devices[0]!.certificate, other.user.account.publicKey);
    }
    await bob.messaging.join([group]);
    await waitFor('bob live', () => bob.messaging.view(group).live);

    const noKey = await carol.messaging.send(group, { type: 'string', body: 'too early' });
    expect(noKey).toMatchObject({ state: 'failed', code: 'seal_failed' });
    expect(carol.messaging.view(group).items[0]).toMatchObject({ kind: 'message', timetoken: undefined, delivery: { state: 'failed', code: 'seal_failed' } });
    await expect(carol.messaging.retry(group, 'msg-not-a-failed-one' as never)).rejects.toMatchObject({ code: 'unknown_message' });

    const v2 = await rotate(group, [bob, carol], [bob, carol]);
    expect(v2.version).toBe(2);
    const retried = await carol.messaging.retry(group, noKey.id);
    expect(retried).toMatchObject({ id: noKey.id, state: 'sent' });
    await expect(carol.messaging.retry(group, noKey.id)).rejects.toMatchObject({ code: 'unknown_message' });
    await waitFor('bob receives the retried message', () => texts(bob, group).length === 1);

    await relay.close();
    const down = await carol.messaging.send(group, { type: 'string', body: 'while the relay is down' });
    expect(down).toMatchObject({ state: 'failed', code: 'network' });

    await startTestRelay(relay);
    const again = await carol.messaging.retry(group, down.id);
    expect(again).toMatchObject({ id: down.id, state: 'sent' });
    await waitFor('bob catches up after the relay restart', () => texts(bob, group).length === 2, 30_000);
    expect(texts(bob, group)).toEqual(['too early', 'while the relay is down']);
    expect(carol.messaging.view(group).items.map((i) => (i.kind === 'message' ? i.delivery : i.kind))).toEqual([{ state: 'sent' }, { state: 'sent' }]);
  });
});
