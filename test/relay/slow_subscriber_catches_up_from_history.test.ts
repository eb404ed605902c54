/**
 * Bounded backlogs: a channel keeps at most 1,000 live events in memory. A subscriber whose cursor fell behind
 * that window (raw subscribe protocol, cursor from its handshake) still receives every stored message, from
 * SQLite, at most 100 per answer, in timetoken order and exactly once; each answer's `t.t` moves it forward.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SUB, PUB, cleanup, raw, startTestRelay } from './helpers';

afterEach(cleanup);

type SubscribeAnswer = { t: { t: string; r: number }; m: { p: { t: string }; d: { i: number }; c: string }[] };

describe('slow subscriber catches up from history', () => {
  it('gets all 1,250 messages after its backlog window moved on', async () => {
    const relay = await startTestRelay({ longPollSeconds: 0.2 });
    const path = `/v2/subscribe/${SUB}/conv.busy/0?uuid=slow`;
    const handshake = (await raw(relay, path)).body as SubscribeAnswer;
    expect(handshake.t.r).toBeGreaterThanOrEqual(1);

    const published: string[] = [];
    for (let batch = 0; batch < 1250; batch += 25) {
      const answers = await Promise.all(
        Array.from({ length: 25 }, (_, k) =>
          raw(relay, `/publish/${PUB}/${SUB}/0/conv.busy/0/${encodeURIComponent(JSON.stringify({ i: batch + k }))}?uuid=fast`),
        ),
      );
      for (const answer of answers) published.push((answer.body as [number, string, string])[2]);
    }
    published.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));

    const received: string[] = [];
    let cursor = handshake.t.t;
    for (let polls = 0; polls < 40 && received.length < 1250; polls += 1) {
      const answer = (await raw(relay, `${path}&tt=${cursor}&tr=1`)).body as SubscribeAnswer;
      expect(answer.m.length).toBeLessThanOrEqual(100);
      received.push(...answer.m.map((e) => e.p.t));
      expect(BigInt(answer.t.t)).toBeGreaterThanOrEqual(BigInt(cursor));
      cursor = answer.t.t;
    }
    expect(received).toEqual(published);

    const idle = (await raw(relay, `${path}&tt=${cursor}&tr=1`)).body as SubscribeAnswer;
    expect(idle.m).toEqual([]);
  });
});
