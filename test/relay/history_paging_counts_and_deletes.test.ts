/**
 * Message Persistence through the real SDK: 320 messages paged through `fetchMessages` backwards (start) and
 * forwards (end), several channels at once with meta/uuid/message type, `store: false` and signals kept out of
 * history, message counts (exclusive timetoken), and deleting a single message and a range.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type PubNub from 'pubnub';
import { cleanup, client, startTestRelay } from './helpers';

afterEach(cleanup);

async function publishMany(pubnub: PubNub, channel: string, count: number): Promise<string[]> {
  const tts: string[] = [];
  for (let i = 0; i < count; i += 1) tts.push((await pubnub.publish({ channel, message: { i } })).timetoken);
  return tts;
}

type Item = { timetoken: string | number; message: unknown };

function itemsOf(result: PubNub.History.FetchMessagesResponse, channel: string): Item[] {
  return (result.channels[channel] ?? []) as Item[];
}

describe('history paging, counts and deletes', () => {
  it('pages 320 messages backwards and forwards without gaps or duplicates', async () => {
    const relay = await startTestRelay();
    const alice = client(relay, 'alice');
    const tts = await publishMany(alice, 'conv.long', 320);

    const backwards: Item[] = [];
    let start: string | undefined;
    for (;;) {
      const page = itemsOf(await alice.fetchMessages({ channels: ['conv.long'], count: 100, ...(start ? { start } : {}) }), 'conv.long');
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(100);
      backwards.unshift(...page);
      start = String(page[0]?.timetoken);
    }
    expect(backwards.map((m) => String(m.timetoken))).toEqual(tts);
    expect(backwards.map((m) => (m.message as { i: number }).i)).toEqual([...Array(320).keys()]);

    const forwards: Item[] = [];
    let end = tts[0] as string;
    for (;;) {
      const page = itemsOf(await alice.fetchMessages({ channels: ['conv.long'], count: 100, end }), 'conv.long');
      if (page.length === 0) break;
      forwards.push(...page);
      end = String(BigInt(String(page[page.length - 1]?.timetoken)) + 1n);
    }
    expect(forwards.map((m) => String(m.timetoken))).toEqual(tts);

    const slice = itemsOf(await alice.fetchMessages({ channels: ['conv.long'], start: tts[200], end: tts[150] }), 'conv.long');
    expect(slice.map((m) => String(m.timetoken))).toEqual(tts.slice(150, 200));
  });

  it('fetches several channels with meta, uuid and message type; keeps unstored messages and signals out', async () => {
    const relay = await startTestRelay();
    const alice = client(relay, 'alice');
    const bob = client(relay, 'bob');
    await alice.publish({ channel: 'conv.a', message: { a: 1 }, meta: { sender: 'alice' }, customMessageType: 'chat-text' });
    await bob.publish({ channel: 'conv.b', message: 'b1' });
    await bob.publish({ channel: 'conv.b', message: 'not stored', storeInHistory: false });
    await bob.signal({ channel: 'conv.b', message: 'typing' });
    await alice.publish({ channel: 'conv.b', message: { b: 2 } });

    const result = await alice.fetchMessages({
      channels: ['conv.a', 'conv.b', 'conv.empty'],
      includeMeta: true,
      includeUUID: true,
      includeMessageType: true,
      includeCustomMessageType: true,
    });
    expect(Object.keys(result.channels).sort()).toEqual(['conv.a', 'conv.b']);
    const [a] = result.channels['conv.a'] ?? [];
    expect(a).toMatchObject({ message: { a: 1 }, uuid: 'alice', messageType: -1, meta: { sender: 'alice' }, customMessageType: 'chat-text' });
    expect(result.channels['conv.b']?.map((m) => [m.message, m.uuid])).toEqual([
      ['b1', 'bob'],
      [{ b: 2 }, 'alice'],
    ]);
    const multi = await alice.fetchMessages({ channels: ['conv.a', 'conv.b'], count: 100 });
    expect(multi.channels['conv.b']).toHaveLength(2);
  });

  it('counts messages after a timetoken, per channel', async () => {
    const relay = await startTestRelay();
    const alice = client(relay, 'alice');
    const a = await publishMany(alice, 'conv.a', 5);
    const b = await publishMany(alice, 'conv.b', 3);

    const single = await alice.messageCounts({ channels: ['conv.a', 'conv.b'], channelTimetokens: [a[1] as string] });
    expect(single.channels).toEqual({ 'conv.a': 3, 'conv.b': 3 });
    const perChannel = await alice.messageCounts({
      channels: ['conv.a', 'conv.b'],
      channelTimetokens: [a[4] as string, String(BigInt(b[0] as string) - 1n)],
    });
    expect(perChannel.channels).toEqual({ 'conv.a': 0, 'conv.b': 3 });
  });

  it('deletes one message, then a range, keeping the rest', async () => {
    const relay = await startTestRelay();
    const alice = client(relay, 'alice');
    const tts = await publishMany(alice, 'conv.d', 6);
    const tt = (i: number) => tts[i] as string;

    await alice.deleteMessages({ channel: 'conv.d', start: String(BigInt(tt(2)) + 1n), end: tt(2) });
    let left = itemsOf(await alice.fetchMessages({ channels: ['conv.d'] }), 'conv.d').map((m) => String(m.timetoken));
    expect(left).toEqual([tt(0), tt(1), tt(3), tt(4), tt(5)]);

    await alice.deleteMessages({ channel: 'conv.d', start: tt(3), end: tt(5) });
    left = itemsOf(await alice.fetchMessages({ channels: ['conv.d'] }), 'conv.d').map((m) => String(m.timetoken));
    expect(left).toEqual([tt(0), tt(1), tt(3)]);

    await alice.deleteMessages({ channel: 'conv.d' });
    expect(itemsOf(await alice.fetchMessages({ channels: ['conv.d'] }), 'conv.d')).toEqual([]);
  });
});
