/**
 * `Timeline.messageTimetoken` answers from the id index what a pass over `entries()` answers (the way
 * reactions found their target before the index): for any delivery order, duplicates, retried publishes,
 * own sends acknowledged or not, and chat actions whose own ids are never a message's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeviceId, MessageId, UserId } from '../../src/common/ids';
import type { OpenOutcome } from '../../src/common/messaging/ports';
import { Timeline } from '../../src/common/messaging/timeline';

const tt = (n: number) => String(17_000_000_000_000_000n + BigInt(n));
const idOf = (n: number) => `msg-id-${String(n).padStart(4, '0')}` as MessageId;

function opened(id: MessageId, kind: 'message' | 'reply' | 'reaction' | 'edit'): OpenOutcome {
  const base = {
    kind: 'ok' as const,
    plaintext: { id, sentAt: 1, type: 'string' as const, body: 'x' },
    senderDevice: 'device-other' as DeviceId,
    senderUser: 'user-other' as UserId,
    keyVersion: 1,
  };
  if (kind === 'message') return base;
  if (kind === 'reply') return { ...base, chat: { kind: 'reply', replyTo: idOf(0), text: 'x' } };
  if (kind === 'edit') return { ...base, chat: { kind: 'edit', target: idOf(0), text: 'y' } };
  return { ...base, chat: { kind: 'reaction', target: idOf(0), value: '👍', op: 'add' } };
}

/** What reactions did before the index: the first entry of the ordered timeline that is this message. */
function scanned(timeline: Timeline, id: MessageId): string | undefined {
  for (const entry of timeline.entries()) {
    if (entry.kind === 'outgoing') {
      if (entry.record.plaintext.id === id && entry.record.timetoken !== undefined) return entry.record.timetoken;
      continue;
    }
    const o = entry.record.outcome;
    if (o?.kind === 'ok' && o.plaintext.id === id && (o.chat === undefined || o.chat.kind === 'reply')) return entry.record.timetoken;
  }
  return undefined;
}

const step = fc.oneof(
  fc.record({
    op: fc.constant('receive' as const),
    at: fc.integer({ min: 0, max: 500 }),
    id: fc.nat(12),
    kind: fc.constantFrom('message', 'reply', 'reaction', 'edit'),
  }),
  fc.record({ op: fc.constant('send' as const), id: fc.nat(12) }),
  fc.record({ op: fc.constant('ack' as const), id: fc.nat(12), at: fc.integer({ min: 0, max: 500 }) }),
  fc.record({ op: fc.constant('pending' as const), at: fc.integer({ min: 0, max: 500 }) }),
);

describe('a message found by id', () => {
  it('the index answers what a pass over the ordered timeline answers, for every id', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const timeline = new Timeline();
        for (const s of steps) {
          if (s.op === 'receive') {
            const record = timeline.claim(tt(s.at), 'user-other', {});
            if (record !== undefined) timeline.settle(record, opened(idOf(s.id), s.kind as 'message'));
          } else if (s.op === 'pending') {
            const record = timeline.claim(tt(s.at), 'user-other', {});
            if (record !== undefined) timeline.settle(record, { kind: 'pending', keyVersion: 2 } as OpenOutcome);
          } else if (s.op === 'send') {
            if (timeline.outgoingRecord(idOf(s.id)) === undefined) timeline.addOutgoing({ id: idOf(s.id), sentAt: 1, type: 'string', body: 'mine' });
          } else {
            const own = timeline.outgoingRecord(idOf(s.id));
            if (own !== undefined) timeline.setDelivery(own, { state: 'sent' }, tt(s.at), 1);
          }
        }
        for (let n = 0; n <= 12; n += 1) expect(timeline.messageTimetoken(idOf(n))).toBe(scanned(timeline, idOf(n)));
      }),
      { numRuns: 500 },
    );
  });

  it('an action id, an unknown id and an unacknowledged send have no message timetoken', () => {
    const timeline = new Timeline();
    const r = timeline.claim(tt(1), 'user-other', {});
    timeline.settle(r!, opened(idOf(1), 'reaction'));
    timeline.addOutgoing({ id: idOf(2), sentAt: 1, type: 'string', body: 'mine' });
    expect(timeline.messageTimetoken(idOf(1))).toBeUndefined();
    expect(timeline.messageTimetoken(idOf(2))).toBeUndefined();
    expect(timeline.messageTimetoken(idOf(3))).toBeUndefined();
  });
});
