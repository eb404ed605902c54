/**
 * `Timeline.deletedBy` answers from its index what a pass over the received entries answered (the way every
 * arriving message looked for an earlier delete of itself before the index, docs/messaging.md §Replies,
 * edits and deletes): for any delivery order, duplicates, several authors, and deletes that arrive before or
 * after their target. A delete counts only for the author who sent it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeviceId, MessageId, UserId } from '../../src/common/ids';
import type { OpenOutcome } from '../../src/common/messaging/ports';
import { Timeline } from '../../src/common/messaging/timeline';

const tt = (n: number) => String(17_000_000_000_000_000n + BigInt(n));
const idOf = (n: number) => `msg-id-${String(n).padStart(4, '0')}` as MessageId;
const userOf = (n: number) => `user-${n}` as UserId;

function opened(id: MessageId, author: UserId, deletes?: MessageId): OpenOutcome {
  return {
    kind: 'ok',
    plaintext: { id, sentAt: 1, type: 'string', body: 'text' },
    senderDevice: 'device-other' as DeviceId,
    senderUser: author,
    keyVersion: 1,
    ...(deletes === undefined ? {} : { chat: { kind: 'delete' as const, target: deletes } }),
  };
}

/** What the session did before the index: any received entry that is a delete of `target` by `author`. */
function scanned(timeline: Timeline, target: MessageId, author: UserId): boolean {
  return timeline.entries().some((entry) => {
    const o = entry.kind === 'received' ? entry.record.outcome : undefined;
    return o?.kind === 'ok' && o.chat?.kind === 'delete' && o.chat.target === target && o.senderUser === author;
  });
}

const step = fc.record({
  at: fc.integer({ min: 0, max: 300 }),
  id: fc.nat(20),
  author: fc.nat(2),
  deletes: fc.option(fc.nat(8), { nil: undefined }),
});

describe('deletes found by target', () => {
  it('the index answers what a pass over the received entries answers, for every target and author', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const timeline = new Timeline();
        steps.forEach((s, i) => {
          const record = timeline.claim(tt(s.at), 'publisher', {});
          // A delete's own id is unique (ids 100+), as a signed message's id is; the targets are 0..8.
          const outcome = s.deletes === undefined ? opened(idOf(s.id % 9), userOf(s.author)) : opened(idOf(100 + i), userOf(s.author), idOf(s.deletes));
          if (record !== undefined) timeline.settle(record, outcome);
        });
        for (let n = 0; n <= 8; n += 1) {
          for (let a = 0; a <= 2; a += 1) expect(timeline.deletedBy(idOf(n), userOf(a))).toBe(scanned(timeline, idOf(n), userOf(a)));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a delete counts for its own author only, never for a message of someone else', () => {
    const timeline = new Timeline();
    const del = timeline.claim(tt(2), 'publisher', {});
    timeline.settle(del!, opened(idOf(10), userOf(1), idOf(1)));
    const forged = timeline.claim(tt(3), 'publisher', {});
    timeline.settle(forged!, opened(idOf(11), userOf(2), idOf(2)));
    expect(timeline.deletedBy(idOf(1), userOf(1))).toBe(true);
    expect(timeline.deletedBy(idOf(2), userOf(1))).toBe(false);
    expect(timeline.deletedBy(idOf(1), userOf(2))).toBe(false);
  });
});
