/**
 * Two real `pubnub` SDK clients talk through the relay: publish (GET and deflated POST) with meta and custom
 * message type, signals, several channels, channel groups and wildcards — over the event-engine loop and the
 * legacy loop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, client, collect, startTestRelay, subscribeAndWait, waitFor } from './helpers';

afterEach(cleanup);

describe.each([
  ['event engine', true],
  ['legacy loop', false],
])('alice and bob over the %s', (_name, enableEventEngine) => {
  it('delivers messages and signals on several channels in order, with their metadata', async () => {
    const relay = await startTestRelay();
    const alice = client(relay, 'alice', { enableEventEngine });
    const bob = client(relay, 'bob', { enableEventEngine });
    const seen = collect(bob);
    await subscribeAndWait(bob, seen, { channels: ['conv.one', 'conv.two'] });

    const first = await alice.publish({
      channel: 'conv.one',
      message: { text: 'hello', n: 1 },
      meta: { kind: 'greeting' },
      customMessageType: 'chat-text',
    });
    const second = await alice.publish({ channel: 'conv.two', message: 'by post', sendByPost: true });
    const third = await alice.publish({ channel: 'conv.one', message: { text: 'x'.repeat(20_000) }, sendByPost: true });
    await alice.signal({ channel: 'conv.one', message: 'typing' });

    await waitFor('three messages and a signal', () => seen.messages.length === 3 && seen.signals.length === 1);
    expect(seen.messages.map((m) => m.timetoken)).toEqual([first.timetoken, second.timetoken, third.timetoken]);
    expect(seen.messages.map((m) => m.channel)).toEqual(['conv.one', 'conv.two', 'conv.one']);
    const [m1, m2, m3] = seen.messages;
    expect(m1?.message).toEqual({ text: 'hello', n: 1 });
    expect(m1?.publisher).toBe('alice');
    expect(m1?.userMetadata).toEqual({ kind: 'greeting' });
    expect(m1?.customMessageType).toBe('chat-text');
    expect(m2?.message).toBe('by post');
    expect((m3?.message as { text: string }).text).toHaveLength(20_000);
    expect(seen.signals[0]?.message).toBe('typing');
    expect(seen.signals[0]?.publisher).toBe('alice');

    const tts = seen.messages.map((m) => BigInt(m.timetoken));
    for (const tt of tts) expect(String(tt)).toMatch(/^\d{17}$/);
    expect([...tts].sort((a, b) => (a < b ? -1 : 1))).toEqual(tts);
    expect(new Set(tts).size).toBe(3);
  });

  it('delivers through channel groups and wildcards, naming the subscription that matched', async () => {
    const relay = await startTestRelay();
    const alice = client(relay, 'alice', { enableEventEngine });
    const bob = client(relay, 'bob', { enableEventEngine });
    await alice.channelGroups.addChannels({ channelGroup: 'bobs-inbox', channels: ['inbox.bob', 'conv.a'] });
    expect((await alice.channelGroups.listChannels({ channelGroup: 'bobs-inbox' })).channels).toEqual(['conv.a', 'inbox.bob']);
    const seen = collect(bob);
    await subscribeAndWait(bob, seen, { channelGroups: ['bobs-inbox'], channels: ['bcast.*'] });

    await alice.publish({ channel: 'inbox.bob', message: 'via group' });
    await alice.publish({ channel: 'bcast.news', message: 'via wildcard' });
    await alice.publish({ channel: 'conv.elsewhere', message: 'not for bob' });
    await alice.channelGroups.addChannels({ channelGroup: 'bobs-inbox', channels: ['conv.late'] });
    await alice.publish({ channel: 'conv.late', message: 'added while waiting' });

    await waitFor('three messages', () => seen.messages.length === 3);
    expect(seen.messages.map((m) => [m.channel, m.subscription, m.message])).toEqual([
      ['inbox.bob', 'bobs-inbox', 'via group'],
      ['bcast.news', 'bcast.*', 'via wildcard'],
      ['conv.late', 'bobs-inbox', 'added while waiting'],
    ]);
  });
});
