/**
 * The timeline model on its own (property-based): whatever order envelopes arrive in, however often the
 * same timetoken is delivered (history and live overlap) and however often the same message id lands at
 * other timetokens (a retried publish), the timeline shows each message once, at its earliest timetoken,
 * in timetoken order; unacknowledged own sends come last; system items mark rising key versions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeviceId, MessageId, UserId } from '../../src/common/ids';
import { Annotations } from '../../src/common/messaging/annotations';
import { buildItems } from '../../src/common/messaging/conversationView';
import type { OpenOutcome } from '../../src/common/messaging/ports';
import { Timeline } from '../../src/common/messaging/timeline';
import { compareTimetokens, nextTimetoken, timetokenOf } from '../../src/common/messaging/timetoken';

const self = { userId: 'user-self-1' as UserId, deviceId: 'device-self-1' as DeviceId };
const ctx = { self, actor: 'user-self-1' };

function ok(id: string, version = 1): OpenOutcome {
  return {
    kind: 'ok',
    plaintext: { id: id as MessageId, sentAt: 1, type: 'string', body: id },
    senderDevice: 'device-other' as DeviceId,
    senderUser: 'user-other' as UserId,
    keyVersion: version,
  };
}

const tt = (n: number) => String(17_000_000_000_000_000n + BigInt(n));

describe('timeline order and dedupe', () => {
  it('shows each message once at its earliest timetoken, in order, for any delivery order', () => {
    const deliveries = fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 40 }).chain((tts) =>
      fc.record({
        tts: fc.constant(tts),
        ids: fc.array(fc.integer({ min: 0, max: 15 }), { minLength: tts.length, maxLength: tts.length }),
        order: fc.array(fc.nat(tts.length - 1), { minLength: tts.length, maxLength: tts.length * 3 }),
      }),
    );
    fc.assert(
      fc.property(deliveries, ({ tts, ids, order }) => {
        const timeline = new Timeline();
        const arrivals = [...tts.keys(), ...order];
        for (const i of arrivals) {
          const record = timeline.claim(tt(tts[i] as number), 'user-other', {});
          if (record !== undefined) timeline.settle(record, ok(`msg-id-${String(ids[i]).padStart(4, '0')}`));
        }
        const earliest = new Map<string, number>();
        tts.forEach((t, i) => {
          const id = `msg-id-${String(ids[i]).padStart(4, '0')}`;
          earliest.set(id, Math.min(earliest.get(id) ?? Infinity, t));
        });
        const expected = [...earliest].sort((a, b) => a[1] - b[1]).map(([id, t]) => [id, tt(t)]);
        const items = buildItems(timeline, new Annotations(), ctx);
        expect(items.map((i) => (i.kind === 'message' ? [i.id, i.timetoken] : i.kind))).toEqual(expected);
      }),
    );
  });

  it('places own sends by their acknowledged timetoken and unacknowledged ones last; the echo is not a second item', () => {
    const timeline = new Timeline();
    const mine = timeline.addOutgoing({ id: 'msg-mine-0001' as MessageId, sentAt: 1, type: 'string', body: 'mine' });
    const pending = timeline.addOutgoing({ id: 'msg-mine-0002' as MessageId, sentAt: 2, type: 'string', body: 'still sending' });
    timeline.settle(timeline.claim(tt(5), 'user-other', {})!, ok('msg-other-005'));
    const echo = timeline.claim(tt(3), 'user-self-1', {})!;
    timeline.settle(echo, { ...ok('msg-mine-0001'), senderUser: self.userId } as OpenOutcome);
    timeline.setDelivery(mine, { state: 'sent' }, tt(3), 1);
    const items = buildItems(timeline, new Annotations(), ctx);
    expect(items.map((i) => (i.kind === 'message' ? [i.id, i.timetoken, i.delivery?.state] : i.kind))).toEqual([
      ['msg-mine-0001', tt(3), 'sent'],
      ['msg-other-005', tt(5), undefined],
      ['msg-mine-0002', undefined, 'sending'],
    ]);
    expect(pending.delivery).toEqual({ state: 'sending' });
  });

  it('marks each rise of the key version with one system item', () => {
    const timeline = new Timeline();
    const versions = [1, 1, 2, 1, 3, 3];
    versions.forEach((v, i) => timeline.settle(timeline.claim(tt(i), undefined, {})!, ok(`msg-ver-${i}000`, v)));
    const pendingRecord = timeline.claim(tt(10), undefined, {})!;
    timeline.settle(pendingRecord, { kind: 'pending', keyVersion: 4 });
    const items = buildItems(timeline, new Annotations(), ctx);
    expect(items.map((i) => (i.kind === 'system' ? `${i.fromVersion}->${i.toVersion}` : i.kind))).toEqual([
      'message',
      'message',
      '1->2',
      'message',
      'message',
      '2->3',
      'message',
      'message',
      '3->4',
      'pending',
    ]);
  });

  it('keeps a removed action removed when an older history page still lists it', () => {
    const a = new Annotations();
    const action = { messageTimetoken: tt(1), type: 'reaction', value: '👍', actor: 'user-b', actionTimetoken: tt(2) };
    expect(a.apply('added', action)).toBe(true);
    expect(a.apply('added', action)).toBe(false);
    expect(a.apply('removed', action)).toBe(true);
    a.applyHistory(tt(1), { reaction: { '👍': [{ uuid: 'user-b', actionTimetoken: tt(2) }] } });
    expect(a.reactions(tt(1))).toEqual([]);
  });

  it('compares timetokens as integers without losing precision', () => {
    expect(compareTimetokens('9', '10')).toBeLessThan(0);
    expect(compareTimetokens('17000000000000001', '17000000000000000')).toBeGreaterThan(0);
    expect(nextTimetoken('17999999999999999')).toBe('18000000000000000');
    expect(timetokenOf('0017000000000000000')).toBe('17000000000000000');
    for (const bad of ['', '-1', '1.5', '1e5', 'abc', 1.5, null]) expect(() => timetokenOf(bad)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});
