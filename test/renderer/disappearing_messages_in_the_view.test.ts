/**
 * Disappearing messages in the renderer's view models (docs/messaging.md "Disappearing messages"): the
 * header sentence, the plain-language timeline line, each message's time left, and which rows are still
 * shown — a message leaves the view when main reports it deleted, or when its time is up by this window's
 * clock, by the same rule main applies (docs/protocol.md §15.8).
 */
import { describe, expect, it } from 'vitest';
import type { UserId } from '../../src/common/ids';
import type { MembershipEventView } from '../../src/common/ipc/schemas/conversations';
import { currentTimer, disappearingHeader, timeLeftText, timerChangesOf, withExpiry } from '../../src/renderer/src/model/disappearing';
import { membershipLines } from '../../src/renderer/src/model/membershipLines';
import type { TimelineRow } from '../../src/renderer/src/model/timelineRows';

const alice = { userId: 'user-alice' as UserId, displayName: 'Alice', isNew: false };
const T0 = 1_800_000_000_000;
const events: MembershipEventView[] = [
  { seq: 0, at: T0 - 3_600_000, actor: alice, change: { type: 'create', kind: 'direct', historyPolicy: 'shared', members: [], migrated: false } },
  { seq: 1, at: T0, actor: alice, change: { type: 'disappearing', seconds: 86_400 } },
  { seq: 2, at: T0 + 7_200_000, actor: alice, change: { type: 'disappearing', seconds: 0 } },
];

function row(key: string, sentAt: number): TimelineRow {
  return {
    kind: 'message',
    key,
    messageId: key,
    timetoken: String(BigInt(sentAt) * 10_000n),
    senderId: 'user-alice-01',
    author: 'Alice',
    mine: false,
    text: key,
    sentAt,
    delivery: null,
    failure: null,
    reactions: [],
    readBy: [],
  };
}

describe('disappearing messages in the view', () => {
  it('says who set the timer in plain words, and the header follows the timer in effect', () => {
    const lines = membershipLines(events, 'user-bob').map((l) => l.text);
    expect(lines).toContain('Alice set messages to disappear after 1 day');
    expect(lines).toContain('Alice turned off disappearing messages');
    expect(membershipLines(events, 'user-alice').map((l) => l.text)).toContain('You set messages to disappear after 1 day');
    expect(disappearingHeader(currentTimer(timerChangesOf(events.slice(0, 2))))).toBe('Messages disappear after 1 day');
    expect(disappearingHeader(currentTimer(timerChangesOf(events)))).toBeNull();
  });

  it('a message under the timer shows its time left and leaves the view when it is up or when main deleted it', () => {
    const changes = timerChangesOf(events);
    const before = row('before', T0 - 60_000);
    const under = row('under', T0 + 60_000);
    const after = row('after', T0 + 7_300_000);
    const shown = (now: number, expired: string[] = []) => withExpiry([before, under, after], changes, new Set(expired), now);
    const first = shown(T0 + 120_000);
    expect(first.map((r) => r.key)).toEqual(['before', 'under', 'after']);
    expect(first.map((r) => (r.kind === 'message' ? r.expiresIn : undefined))).toEqual([undefined, 'disappears in 24 h', undefined]);
    expect(shown(T0 + 60_000 + 86_400_000).map((r) => r.key)).toEqual(['before', 'after']);
    expect(shown(T0 + 120_000, [under.kind === 'message' ? under.timetoken! : '']).map((r) => r.key)).toEqual(['before', 'after']);
    expect(timeLeftText(4 * 60_000 + 1)).toBe('disappears in 5 min');
    expect(timeLeftText(3 * 86_400_000)).toBe('disappears in 3 d');
  });
});
