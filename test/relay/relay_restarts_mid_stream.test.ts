/**
 * Durability: the relay is stopped while subscribers (event engine and legacy loop) are mid-stream and started
 * again on the same port and data directory. Messages published before the stop and while subscribers are still
 * reconnecting all arrive exactly once and in order; history keeps every message; timetokens keep increasing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import PubNub from 'pubnub';
import { cleanup, client, collect, startTestRelay, subscribeAndWait, waitFor } from './helpers';

afterEach(cleanup);

describe('relay restarts mid-stream', () => {
  it('loses nothing across a restart', async () => {
    const first = await startTestRelay();
    const retryConfiguration = PubNub.LinearRetryPolicy({ delay: 2, maximumRetry: 30 });
    const bob = client(first, 'bob', { retryConfiguration });
    const carol = client(first, 'carol', { enableEventEngine: false });
    const bobSeen = collect(bob);
    const carolSeen = collect(carol);
    await subscribeAndWait(bob, bobSeen, { channels: ['conv.r'] });
    await subscribeAndWait(carol, carolSeen, { channels: ['conv.r'] });

    const alice = client(first, 'alice');
    const sent: string[] = [];
    for (let i = 0; i < 40; i += 1) sent.push((await alice.publish({ channel: 'conv.r', message: { i } })).timetoken);
    await first.close();

    const second = await startTestRelay({ dataDir: first.dataDir, port: first.port });
    for (let i = 40; i < 80; i += 1) sent.push((await alice.publish({ channel: 'conv.r', message: { i } })).timetoken);
    expect(BigInt(sent[40] as string)).toBeGreaterThan(BigInt(sent[39] as string));

    await waitFor('bob catches up', () => bobSeen.messages.length >= 80, 25_000);
    await waitFor('carol catches up', () => carolSeen.messages.length >= 80, 25_000);
    for (const seen of [bobSeen, carolSeen]) {
      expect(seen.messages.map((m) => m.timetoken)).toEqual(sent);
      expect(seen.messages.map((m) => (m.message as { i: number }).i)).toEqual([...Array(80).keys()]);
    }

    const history = await client(second, 'dave').fetchMessages({ channels: ['conv.r'], count: 100 });
    expect(history.channels['conv.r']?.map((m) => String(m.timetoken))).toEqual(sent);
  });
});
