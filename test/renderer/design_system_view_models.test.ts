/**
 * The view models behind the design system (docs/desktop.md "Look and layout"): times in the list and the
 * timeline, avatars' initials and stable colours, the timeline's day separators and sender groups (key
 * changes left out of the chat and listed for the security panel), the composer's size counter that
 * refuses above the body limit, and the header's one trust word.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import type { ConversationSummary } from '../../src/common/ipc/schemas/conversations';
import { MAX_BRIDGE_BODY } from '../../src/common/ipc/schemas/messages';
import type { ConversationView } from '../../src/common/messaging/messaging';
import type { TimelineItem } from '../../src/common/messaging/timelineItem';
import { sendableDraft } from '../../src/renderer/src/model/composerKeys';
import { AVATAR_COLORS, avatarColor, initialsOf } from '../../src/common/view/avatar';
import { chatTrust } from '../../src/renderer/src/model/chatTrust';
import { draftSize } from '../../src/renderer/src/model/composerLimit';
import { conversationRows } from '../../src/renderer/src/model/conversationRows';
import { dayLabel, fullTime, listTime } from '../../src/renderer/src/model/relativeTime';
import { layoutTimeline } from '../../src/renderer/src/model/timelineLayout';
import { keyChanges, type TimelineRow } from '../../src/renderer/src/model/timelineRows';

const at = (y: number, mo: number, d: number, h = 12, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s).getTime();
const NOW = at(2026, 3, 12, 14, 30); // Thursday 12 March 2026, 14:30 local time

describe('times', () => {
  it('the list says now, the clock today, the weekday this week, else the date (with the year when not this year)', () => {
    expect(listTime(NOW - 20_000, NOW)).toBe('now');
    expect(listTime(at(2026, 3, 12, 14, 5), NOW)).toBe('14:05');
    expect(listTime(at(2026, 3, 12, 0, 1), NOW)).toBe('00:01');
    expect(listTime(at(2026, 3, 10, 23, 59), NOW)).toBe('Tue');
    expect(listTime(at(2026, 3, 6, 9), NOW)).toBe('Fri');
    expect(listTime(at(2026, 3, 5, 9), NOW)).toBe('5 Mar');
    expect(listTime(at(2025, 12, 24, 9), NOW)).toBe('24 Dec 2025');
  });

  it('day separators read Today, Yesterday, then the long date', () => {
    expect(dayLabel(at(2026, 3, 12, 0, 0), NOW)).toBe('Today');
    expect(dayLabel(at(2026, 3, 11, 23, 59), NOW)).toBe('Yesterday');
    expect(dayLabel(at(2026, 3, 10), NOW)).toBe('Tuesday, 10 March');
    expect(dayLabel(at(2025, 3, 10), NOW)).toBe('Monday, 10 March 2025');
  });

  it('the tooltip has the full date and a 24-hour time', () => {
    expect(fullTime(at(2026, 3, 12, 14, 5))).toBe('Thursday, 12 March 2026 at 14:05');
  });
});

describe('avatars', () => {
  it('initials come from the first and last words, skipping bidi controls and symbols', () => {
    expect(initialsOf('Alice Archer')).toBe('AA');
    expect(initialsOf('bob')).toBe('B');
    expect(initialsOf('  carol  de la  Cruz ')).toBe('CC');
    expect(initialsOf('\u202Egnp.exe')).toBe('GE');
    expect(initialsOf('🎉 Launch team')).toBe('LT');
    expect(initialsOf('élodie')).toBe('É');
    expect(initialsOf('   ')).toBe('?');
  });

  it('the colour is a deterministic function of the id, spread over the palette', () => {
    expect(avatarColor('user-alice-01')).toBe(avatarColor('user-alice-01'));
    const ids = Array.from({ length: 400 }, (_, i) => `user-${i.toString(36).padStart(8, '0')}`);
    const used = new Set(ids.map(avatarColor));
    expect(used.size).toBe(AVATAR_COLORS);
    for (const c of used) expect(c).toBeGreaterThanOrEqual(0);
  });
});

const ALICE = 'user-alice-01';
const BOB = 'user-bob-0001';

function msg(key: string, senderId: string, sentAt: number): TimelineRow {
  return {
    kind: 'message',
    key,
    messageId: key,
    timetoken: String(BigInt(sentAt) * 10_000n),
    senderId,
    author: senderId === ALICE ? 'Alice' : 'Bob',
    mine: false,
    text: key,
    sentAt,
    delivery: null,
    failure: null,
    reactions: [],
    readBy: [],
  };
}

describe('timeline layout', () => {
  it('puts a day separator before each day and groups one sender within a minute', () => {
    const rows: TimelineRow[] = [
      msg('a1', ALICE, at(2026, 3, 11, 9, 0, 5)),
      msg('a2', ALICE, at(2026, 3, 11, 9, 0, 50)),
      msg('a3', ALICE, at(2026, 3, 11, 9, 1, 10)),
      msg('b1', BOB, at(2026, 3, 11, 9, 1, 20)),
      { kind: 'keyChange', key: 'sys:1', text: 'The conversation key was rotated (version 1 → 2)', toVersion: 2 },
      msg('b2', BOB, at(2026, 3, 11, 9, 1, 30)),
      { kind: 'system', key: 'membership:2', text: 'Alice added Carol' },
      msg('b3', BOB, at(2026, 3, 11, 9, 1, 40)),
      msg('b4', BOB, at(2026, 3, 12, 8, 0)),
    ];
    const out = layoutTimeline(rows, NOW);
    const shown = out.map((r) => (r.kind === 'message' ? `${r.day === null ? '' : `[${r.day}] `}${r.key}${r.groupStart ? '*' : ''}` : r.kind));
    expect(shown).toEqual(['[Yesterday] a1*', 'a2', 'a3*', 'b1*', 'b2', 'system', 'b3*', '[Today] b4*']);
    expect(out.find((r) => r.key === 'a2')).toMatchObject({ clock: '09:00', fullTime: 'Wednesday, 11 March 2026 at 09:00' });
    // Every row is a timeline item under its own key (the windowed list anchors on keys).
    expect(out.map((r) => r.key)).toEqual(rows.filter((r) => r.kind !== 'keyChange').map((r) => r.key));
  });

  it('key changes are listed for the security panel, newest first, with when the relay saw them', () => {
    const system = (n: number, tt: string): TimelineItem => ({
      kind: 'system',
      key: `sys:${n}`,
      event: 'key_rotated',
      fromVersion: n,
      toVersion: n + 1,
      timetoken: tt,
    });
    const view = { items: [system(1, '17000000000000000'), system(2, '17000000600000000')] } as unknown as ConversationView;
    expect(keyChanges(view)).toEqual([
      { key: 'sys:2', text: 'The conversation key was rotated (version 2 → 3)', at: 1_700_000_060_000 },
      { key: 'sys:1', text: 'The conversation key was rotated (version 1 → 2)', at: 1_700_000_000_000 },
    ]);
    expect(keyChanges(undefined)).toEqual([]);
  });

  it('the list previews the newest message, not a key change after it, with the time the chat shows beside it', () => {
    const ME = 'user-me-0001' as UserId;
    const summary: ConversationSummary = {
      conversationId: 'conv-dm-0001' as ConversationId,
      kind: 'direct',
      name: 'dm',
      channel: 'conv.conv-dm-0001',
      historyPolicy: 'shared',
      keyVersion: 2,
      needsRotation: false,
      myRole: 'owner',
      members: [
        { userId: ME, username: 'me', displayName: 'Me', role: 'owner', joinedAt: 0 },
        { userId: BOB as UserId, username: 'bob', displayName: 'Bob', role: 'member', joinedAt: 0 },
      ],
    };
    const items: TimelineItem[] = [
      {
        kind: 'message',
        key: 'tt:1',
        timetoken: '17000000000000000',
        id: 'id-00000001' as MessageId,
        message: { id: 'id-00000001' as MessageId, sentAt: 1_700_000_000_000, type: 'string', body: 'see you' },
        senderUser: BOB as UserId,
        senderDevice: 'device-0001' as DeviceId,
        keyVersion: 1,
        delivery: undefined,
        reactions: [],
        readBy: [],
      },
      { kind: 'system', key: 'sys:2', event: 'key_rotated', fromVersion: 1, toVersion: 2, timetoken: '17000000000010000' },
    ];
    const view = {
      conversationId: summary.conversationId,
      items,
      typing: [],
      reachedStart: true,
      joined: true,
      live: true,
      lastTimetoken: '17000000000010000',
      unread: 0,
    };
    expect(conversationRows([summary], { [summary.conversationId]: view }, ME, '')[0]).toMatchObject({
      preview: 'see you',
      avatarId: BOB,
      lastAt: 1_700_000_000_000,
    });
  });
});

describe('composer size', () => {
  it('is silent well under the limit, counts near it, and refuses above it with a sentence — as sendableDraft does', () => {
    expect(draftSize('hello', MAX_BRIDGE_BODY)).toMatchObject({ near: false, over: false, counter: '', sentence: null });
    const near = draftSize('x'.repeat(22_000), MAX_BRIDGE_BODY);
    expect(near).toMatchObject({ near: true, over: false, counter: '22,000 / 23,600' });
    expect(near.sentence).toContain('1,600 left');
    const exact = 'x'.repeat(MAX_BRIDGE_BODY);
    expect(draftSize(exact, MAX_BRIDGE_BODY).over).toBe(false);
    expect(sendableDraft(exact)).not.toBeNull();
    const over = 'x'.repeat(MAX_BRIDGE_BODY + 1);
    expect(draftSize(over, MAX_BRIDGE_BODY)).toMatchObject({ over: true, counter: '23,601 / 23,600' });
    expect(draftSize(over, MAX_BRIDGE_BODY).sentence).toMatch(/^This message is too long to send: 1 over the limit of 23,600 .*Shorten it or split it/);
    expect(sendableDraft(over)).toBeNull();
  });

  it('counts UTF-8 bytes, so emoji count as four', () => {
    const emoji = '🎉'.repeat(5_901); // 23,604 bytes, 11,802 UTF-16 units
    expect(draftSize(emoji, MAX_BRIDGE_BODY).over).toBe(true);
    expect(sendableDraft(emoji)).toBeNull();
    expect(draftSize('🎉'.repeat(5_900), MAX_BRIDGE_BODY).over).toBe(false);
  });

  it('ignores the blank lines and trailing space that are not sent', () => {
    expect(draftSize(`\n\n${'x'.repeat(MAX_BRIDGE_BODY)}   \n`, MAX_BRIDGE_BODY).over).toBe(false);
  });
});

describe('trust word', () => {
  const members = [{ userId: 'me' }, { userId: 'bob' }, { userId: 'carol' }] as unknown as ConversationSummary['members'];
  it('identity changed wins; verified only when every other member is', () => {
    expect(chatTrust({ members }, { bob: { state: 'verified' }, carol: { state: 'verified' } }, 'me')).toBe('verified');
    expect(chatTrust({ members }, { bob: { state: 'verified' }, carol: { state: 'unverified' } }, 'me')).toBeNull();
    expect(chatTrust({ members }, { bob: { state: 'verified' }, carol: { state: 'changed' } }, 'me')).toBe('changed');
    expect(chatTrust({ members }, {}, 'me')).toBeNull();
    expect(chatTrust({ members: members.slice(0, 1) }, {}, 'me')).toBeNull();
  });
});
