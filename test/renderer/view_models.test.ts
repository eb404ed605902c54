/**
 * The renderer's pure view models: conversation rows (previews, unread, search, order), chat rows
 * (placeholders, rejected, rotation and membership lines in time order, delivery and read state), the
 * composer's key rule, theme resolution, safety-number grouping and list windowing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import type { ConversationSummary } from '../../src/common/ipc/schemas/conversations';
import type { ConversationView } from '../../src/common/messaging/messaging';
import type { TimelineItem } from '../../src/common/messaging/timelineItem';
import { composerKeyAction, sendableDraft } from '../../src/renderer/src/model/composerKeys';
import { conversationRows } from '../../src/renderer/src/model/conversationRows';
import { linkStateText } from '../../src/renderer/src/model/linkState';
import { nextListIndex } from '../../src/renderer/src/model/listKeys';
import { safetyNumberGroups, safetyNumberRows } from '../../src/renderer/src/model/safetyNumber';
import { applyThemeClass, resolveTheme } from '../../src/renderer/src/model/theme';
import { timelineRows, typingLine } from '../../src/renderer/src/model/timelineRows';
import { computeWindow, offsetOf } from '../../src/renderer/src/model/windowing';

const ME = 'user-me-0001' as UserId;
const BOB = 'user-bob-001' as UserId;
const CAROL = 'user-carol-1' as UserId;
const member = (userId: UserId, displayName: string, role: 'owner' | 'admin' | 'member' = 'member') => ({
  userId,
  username: displayName.toLowerCase(),
  displayName,
  role,
  joinedAt: 0,
});

function conv(id: string, kind: 'direct' | 'group', name: string, members = [member(ME, 'Me', 'owner'), member(BOB, 'Bob')]): ConversationSummary {
  return {
    conversationId: id as ConversationId,
    kind,
    name,
    channel: `conv.${id}`,
    historyPolicy: 'shared',
    keyVersion: 1,
    needsRotation: false,
    myRole: 'owner',
    members,
  };
}

function message(tt: string | undefined, sender: UserId, body: string, extra: Partial<Extract<TimelineItem, { kind: 'message' }>> = {}): TimelineItem {
  return {
    kind: 'message',
    key: tt ? `tt:${tt}` : `msg:${body}`,
    timetoken: tt,
    id: `id-${body.replace(/\W/g, '')}-000000` as MessageId,
    message: { id: 'id-00000000' as MessageId, sentAt: 1_700_000_000_000, type: 'string', body },
    senderUser: sender,
    senderDevice: 'device-0001' as DeviceId,
    keyVersion: 1,
    delivery: undefined,
    reactions: [],
    readBy: [],
    ...extra,
  };
}

function view(id: string, items: TimelineItem[], extra: Partial<ConversationView> = {}): ConversationView {
  const last = items.filter((i) => i.timetoken !== undefined).at(-1)?.timetoken;
  return { conversationId: id as ConversationId, items, typing: [], reachedStart: true, joined: true, live: true, lastTimetoken: last, unread: 0, ...extra };
}

describe('conversation rows', () => {
  const dm = conv('conv-dm-0001', 'direct', 'dm');
  const group = conv('conv-grp-0001', 'group', 'Launch team', [member(ME, 'Me', 'owner'), member(BOB, 'Bob'), member(CAROL, 'Carol')]);
  const views = {
    [dm.conversationId]: view(dm.conversationId, [message('17000000000000000', BOB, 'see you\n tomorrow')], { unread: 2 }),
    [group.conversationId]: view(group.conversationId, [message('17000000000000001', CAROL, 'shipped')]),
  };

  it('titles, previews and unread counts, newest activity first', () => {
    expect(conversationRows([dm, group], views, ME, '')).toEqual([
      {
        conversationId: group.conversationId,
        title: 'Launch team',
        kind: 'group',
        avatarId: group.conversationId,
        preview: 'Carol: shipped',
        unread: 0,
        lastTimetoken: '17000000000000001',
        lastAt: 1_700_000_000_000,
        pinned: false,
        muted: false,
        markedUnread: false,
        mentions: 0,
      },
      {
        conversationId: dm.conversationId,
        title: 'Bob',
        kind: 'direct',
        avatarId: BOB,
        preview: 'see you tomorrow',
        unread: 2,
        lastTimetoken: '17000000000000000',
        lastAt: 1_700_000_000_000,
        pinned: false,
        muted: false,
        markedUnread: false,
        mentions: 0,
      },
    ]);
  });

  it('previews a placeholder and a rotation, never a rejected message', () => {
    const pending: TimelineItem = { kind: 'pending', key: 'tt:1', timetoken: '17000000000000002', keyVersion: 2, publisher: BOB };
    const rejected: TimelineItem = {
      kind: 'rejected',
      key: 'tt:2',
      timetoken: '17000000000000003',
      code: 'bad_signature',
      reason: 'secret text',
      publisher: BOB,
    };
    expect(conversationRows([dm], { [dm.conversationId]: view(dm.conversationId, [pending]) }, ME, '')[0]?.preview).toBe('Waiting for the key to decrypt…');
    expect(conversationRows([dm], { [dm.conversationId]: view(dm.conversationId, [rejected]) }, ME, '')[0]?.preview).toBe('A message could not be verified');
  });

  it('search matches titles and member names, case-insensitively', () => {
    expect(conversationRows([dm, group], views, ME, 'carol').map((r) => r.title)).toEqual(['Launch team']);
    expect(conversationRows([dm, group], views, ME, 'BOB').map((r) => r.title)).toEqual(['Launch team', 'Bob']);
    expect(conversationRows([dm, group], views, ME, 'nobody')).toEqual([]);
  });
});

describe('chat rows', () => {
  const members = [member(ME, 'Me'), member(BOB, 'Bob'), member(CAROL, 'Carol')];

  it('shows HTML as the literal text, placeholders and rejections without content, rotation lines', () => {
    const html = '<script>alert(1)</script>';
    const rows = timelineRows(
      view('c', [
        message('17000000000000000', BOB, html),
        { kind: 'system', key: 'sys:2', event: 'key_rotated', fromVersion: 1, toVersion: 2, timetoken: '17000000000010000' },
        { kind: 'pending', key: 'tt:p', timetoken: '17000000000010000', keyVersion: 2, publisher: BOB },
        { kind: 'rejected', key: 'tt:r', timetoken: '17000000000020000', code: 'bad_signature', reason: 'x', publisher: BOB },
      ]),
      [],
      members,
      ME,
    );
    expect(rows.map((r) => [r.kind, r.kind === 'message' ? r.text : r.text])).toEqual([
      ['message', html],
      ['keyChange', 'The conversation key was rotated (version 1 → 2)'],
      ['pending', 'Waiting for the key to decrypt this message (key version 2)'],
      ['rejected', 'This message could not be verified and is not shown. Tell your IT team if this keeps happening.'],
    ]);
    expect(rows[3]).toMatchObject({ kind: 'rejected', code: 'bad_signature' });
  });

  it('delivery: sending, failed with its reason, sent, and read by others (by name, whatever order the receipts came in)', () => {
    const rows = timelineRows(
      view('c', [
        message('17000000000000000', ME, 'read one', { delivery: { state: 'sent' }, readBy: [ME, CAROL, BOB] }),
        message('17000000000000001', ME, 'sent one', { delivery: { state: 'sent' }, readBy: [ME] }),
        message(undefined, ME, 'failed one', { delivery: { state: 'failed', code: 'network', message: 'offline' } }),
        message(undefined, ME, 'sending one', { delivery: { state: 'sending' } }),
      ]),
      [],
      members,
      ME,
    );
    expect(rows.map((r) => (r.kind === 'message' ? [r.delivery, r.failure, r.readBy] : null))).toEqual([
      ['read', null, ['Bob', 'Carol']],
      ['sent', null, []],
      ['failed', 'offline', []],
      ['sending', null, []],
    ]);
  });

  it('membership lines are merged by time; unsent messages stay last', () => {
    const notes = [
      { key: 'membership:2', text: 'Bob added Carol', at: 1_700_000_000_500 },
      { key: 'membership:3', text: 'Dave left', at: 1_700_000_001_500 },
    ];
    const rows = timelineRows(
      view('c', [
        message('17000000000000000', BOB, 'first'),
        message('17000000010000000', BOB, 'second'),
        message(undefined, ME, 'unsent', { delivery: { state: 'sending' } }),
      ]),
      notes,
      members,
      ME,
    );
    expect(rows.map((r) => (r.kind === 'message' ? r.text : r.text))).toEqual(['first', 'Bob added Carol', 'second', 'Dave left', 'unsent']);
  });

  it('reactions name who chose them; typing names the typists', () => {
    const rows = timelineRows(
      view('c', [message('17000000000000000', BOB, 'hey', { reactions: [{ value: '👍', actors: [BOB, ME], mine: true }] })]),
      [],
      members,
      ME,
    );
    expect(rows[0]).toMatchObject({ reactions: [{ value: '👍', count: 2, mine: true, names: 'Bob, You' }] });
    expect(typingLine(view('c', [], { typing: [BOB] }), members, ME)).toBe('Bob is typing…');
    expect(typingLine(view('c', [], { typing: [BOB, CAROL] }), members, ME)).toBe('Bob and Carol are typing…');
    expect(typingLine(view('c', [], { typing: [] }), members, ME)).toBe('');
  });
});

describe('list keys', () => {
  it('arrows move by one within bounds, Home and End jump, other keys do nothing', () => {
    expect(nextListIndex(0, 'ArrowDown', 3)).toBe(1);
    expect(nextListIndex(2, 'ArrowDown', 3)).toBe(2);
    expect(nextListIndex(0, 'ArrowUp', 3)).toBe(0);
    expect(nextListIndex(-1, 'ArrowDown', 3)).toBe(0);
    expect(nextListIndex(1, 'End', 3)).toBe(2);
    expect(nextListIndex(2, 'Home', 3)).toBe(0);
    expect(nextListIndex(1, 'a', 3)).toBeNull();
    expect(nextListIndex(0, 'ArrowDown', 0)).toBeNull();
  });
});

describe('device link states', () => {
  it('says what each state means, with the number of keys shared once linked', () => {
    const status = (state: Parameters<typeof linkStateText>[0]['state'], rewrappedVersions = 0) => ({ state, confirmationCode: null, rewrappedVersions });
    expect(linkStateText(status('awaiting_confirmation'))).toBe('Type the confirmation code shown here on your other device and approve there.');
    expect(linkStateText(status('completed', 4))).toBe('Linked. 4 conversation keys were shared with this device.');
    expect(linkStateText(status('expired'))).toBe('The link code expired. Start again.');
  });
});

describe('composer keys', () => {
  it('Enter sends; Shift+Enter and IME composition insert a newline; other keys do nothing', () => {
    expect(composerKeyAction({ key: 'Enter', shiftKey: false, isComposing: false })).toBe('send');
    expect(composerKeyAction({ key: 'Enter', shiftKey: true, isComposing: false })).toBe('newline');
    expect(composerKeyAction({ key: 'Enter', shiftKey: false, isComposing: true })).toBe('newline');
    expect(composerKeyAction({ key: 'a', shiftKey: false, isComposing: false })).toBe('none');
  });

  it('a draft of only whitespace is not sent; inner newlines are kept', () => {
    expect(sendableDraft('  \n ')).toBeNull();
    expect(sendableDraft('line one\nline two\n')).toBe('line one\nline two');
    expect(sendableDraft('x'.repeat(30_001))).toBeNull();
  });
});

describe('theme and safety number', () => {
  it('resolves the theme class and puts exactly one on the root', () => {
    expect(resolveTheme('dark', false)).toBe('theme-dark');
    expect(resolveTheme('light', true)).toBe('theme-light');
    expect(resolveTheme('system', true)).toBe('theme-dark');
    expect(resolveTheme('system', false)).toBe('theme-light');
    const classes = new Set(['theme-dark', 'other']);
    applyThemeClass({ classList: { add: (c: string) => void classes.add(c), remove: (...c: string[]) => c.forEach((x) => classes.delete(x)) } }, 'theme-light');
    expect([...classes].sort()).toEqual(['other', 'theme-light']);
  });

  it('groups 60 digits in 12 groups of 5, 4 per row', () => {
    const digits = Array.from({ length: 60 }, (_, i) => String(i % 10)).join('');
    expect(safetyNumberGroups(digits)).toHaveLength(12);
    expect(safetyNumberGroups(digits)[1]).toBe('56789');
    expect(safetyNumberRows(digits).map((r) => r.length)).toEqual([4, 4, 4]);
  });
});

describe('list windowing', () => {
  it('renders the rows that cover the viewport, plus overscan, at the right offset', () => {
    const heights = [10, 20, 30, 40, 50];
    const w = computeWindow({ count: 5, heightOf: (i) => heights[i], estimate: 10, scrollTop: 35, viewportHeight: 30, overscan: 0 });
    expect(w).toEqual({ start: 2, end: 4, offsetTop: 30, totalHeight: 150 });
    expect(computeWindow({ count: 0, heightOf: () => 1, estimate: 10, scrollTop: 0, viewportHeight: 100, overscan: 3 })).toEqual({
      start: 0,
      end: 0,
      offsetTop: 0,
      totalHeight: 0,
    });
  });

  it('property: every row intersecting the viewport is rendered and the offset is where the first one starts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }), { maxLength: 300 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 0, max: 5 }),
        (heights, scrollTop, viewportHeight, overscan) => {
          const heightOf = (i: number) => heights[i];
          const w = computeWindow({ count: heights.length, heightOf, estimate: 40, scrollTop, viewportHeight, overscan });
          expect(w.offsetTop).toBe(offsetOf(w.start, heightOf, 40));
          expect(w.totalHeight).toBe(offsetOf(heights.length, heightOf, 40));
          for (let i = 0; i < heights.length; i += 1) {
            const top = offsetOf(i, heightOf, 40);
            const bottom = top + (heights[i] ?? 40);
            if (bottom > scrollTop && top < scrollTop + viewportHeight) {
              expect(i).toBeGreaterThanOrEqual(w.start);
              expect(i).toBeLessThan(w.end);
            }
          }
        },
      ),
    );
  });
});
