/**
 * Issue [chat]: mentions (model/mentions.ts), mute / pin / mark unread (model/conversationPrefs.ts, the
 * list's rows and the badge), and the drafts kept in main (state/draftKeeping.ts). Pure models and the
 * store over a fake bridge; the Chromium walk is test/e2e/ui_mentions_mute_drafts.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import type { ConversationSummary } from '../../src/common/ipc/schemas/conversations';
import type { ConversationView } from '../../src/common/messaging/messaging';
import type { TimelineItem } from '../../src/common/messaging/timelineItem';
import { cleanPrefs, storagePrefs, withPref } from '../../src/renderer/src/model/conversationPrefs';
import { conversationRows, unreadMentions } from '../../src/renderer/src/model/conversationRows';
import { messageSegments } from '../../src/renderer/src/model/messageLinks';
import { prefsSelectors } from '../../src/renderer/src/state/prefsSlice';
import { completeMention, mentionCandidates, mentionQuery, mentions, mentionTokens } from '../../src/renderer/src/model/mentions';

const ME = 'user-me-0001' as UserId;
const BOB = 'user-bob-001' as UserId;
const CAROL = 'user-carol-1' as UserId;
const people = [
  { userId: ME, username: 'alice', displayName: 'Alice Archer' },
  { userId: BOB, username: 'bob.b', displayName: 'Bob Builder' },
  { userId: CAROL, username: 'carol', displayName: 'Carol Chen' },
];

describe('mentions', () => {
  it('finds members by @username in any case, ending at what cannot continue a username', () => {
    const text = 'Hi @Alice, and @bob.b. Also @carol!';
    expect(mentionTokens(text, people).map((t) => [text.slice(t.start, t.end), t.person.userId])).toEqual([
      ['@Alice', ME],
      ['@bob.b', BOB],
      ['@carol', CAROL],
    ]);
  });

  it('is not a mention inside an address, for a non-member, or for a longer name', () => {
    expect(mentionTokens('mail alice@example.com', people)).toEqual([]);
    expect(mentionTokens('ask @dave', people)).toEqual([]);
    expect(mentionTokens('@alicea is someone else', people)).toEqual([]);
    expect(mentions('@carol', people, ME)).toBe(false);
    expect(mentions('@alice', people, ME)).toBe(true);
  });

  it('marks mentions between links, this user strongly; joined, the segments are the text', () => {
    const text = 'see https://example.com/@alice then @alice and @carol';
    const segments = messageSegments(text, people, ME);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.filter((s) => s.kind === 'link')).toHaveLength(1);
    expect(segments.filter((s) => s.kind === 'mention').map((s) => (s.kind === 'mention' ? [s.text, s.self] : null))).toEqual([
      ['@alice', true],
      ['@carol', false],
    ]);
  });

  it('offers members for the @ being typed, prefix matches first, never this user', () => {
    expect(mentionQuery('hello @ca', 9)).toEqual({ start: 6, query: 'ca' });
    expect(mentionQuery('hello @', 7)).toEqual({ start: 6, query: '' });
    expect(mentionQuery('mail a@b', 8)).toBeNull();
    expect(mentionQuery('no at here', 10)).toBeNull();
    expect(mentionCandidates('', people, ME).map((p) => p.username)).toEqual(['bob.b', 'carol']);
    expect(mentionCandidates('ch', people, ME).map((p) => p.username)).toEqual(['carol']);
    expect(mentionCandidates('al', people, ME)).toEqual([]);
    expect(completeMention('hi @ca there', 3, 6, people[2]!)).toEqual({ text: 'hi @carol there', caret: 10 });
    expect(completeMention('hi @ca', 3, 6, people[2]!)).toEqual({ text: 'hi @carol ', caret: 10 });
  });
});

describe('mute, pin and mark unread', () => {
  it('keeps only the known flags, per user, and survives a refusing storage', () => {
    expect(cleanPrefs({ muted: true, pinned: 'yes', other: true })).toEqual({ muted: true });
    expect(withPref({ muted: true }, 'muted', false)).toEqual({});
    const items = new Map<string, string>();
    const storage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
    storagePrefs(storage).save(ME, 'conv-1', { pinned: true });
    expect(storagePrefs(storage).load(ME)).toEqual({ 'conv-1': { pinned: true } });
    expect(storagePrefs(storage).load(BOB)).toEqual({});
    const refusing = storagePrefs({
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    });
    refusing.save(ME, 'conv-1', { muted: true });
    expect(refusing.load(ME)).toEqual({ 'conv-1': { muted: true } });
  });

  const summary = (id: string, name: string): ConversationSummary => ({
    conversationId: id as ConversationId,
    kind: 'group',
    name,
    channel: `conv.${id}`,
    historyPolicy: 'shared',
    keyVersion: 1,
    needsRotation: false,
    myRole: 'member',
    members: people.map((p) => ({ ...p, role: 'member' as const, joinedAt: 0 })),
  });
  const message = (tt: string, sender: UserId, body: string): TimelineItem => ({
    kind: 'message',
    key: `tt:${tt}`,
    timetoken: tt,
    id: `id-${tt}-00000000` as MessageId,
    message: { id: `id-${tt}-00000000` as MessageId, sentAt: 1_700_000_000_000, type: 'string', body },
    senderUser: sender,
    senderDevice: 'device-0001' as DeviceId,
    keyVersion: 1,
    delivery: undefined,
    reactions: [],
    readBy: [],
  });
  const view = (id: string, items: TimelineItem[], unread: number): ConversationView => ({
    conversationId: id as ConversationId,
    items,
    typing: [],
    reachedStart: true,
    joined: true,
    live: true,
    lastTimetoken: items.at(-1)?.timetoken,
    unread,
  });

  it('counts only unread mentions of this user', () => {
    const items = [
      message('17000000000000001', BOB, 'old @alice'),
      message('17000000000000002', BOB, 'hi @alice'),
      message('17000000000000003', CAROL, 'hi @carol'),
    ];
    expect(unreadMentions(view('g', items, 2), summary('g', 'G'), ME)).toBe(1);
    expect(unreadMentions(view('g', items, 3), summary('g', 'G'), ME)).toBe(2);
    expect(unreadMentions(view('g', items, 0), summary('g', 'G'), ME)).toBe(0);
  });

  it('the badge counts a muted conversation only by its unread mentions, and follows a change of the views', () => {
    const views = {
      'conv-a': view('conv-a', [message('17000000000000001', BOB, 'news'), message('17000000000000002', BOB, 'more')], 2),
      'conv-b': view('conv-b', [message('17000000000000003', BOB, 'ping @alice'), message('17000000000000004', BOB, 'and more')], 2),
    };
    const state = (v: typeof views, muted: boolean) =>
      ({
        chat: { views: v },
        prefs: { byId: { 'conv-b': { muted, pinned: false, markedUnread: false } } },
        conversations: { list: [summary('conv-a', 'Alpha'), summary('conv-b', 'Beta')] },
        session: { current: { state: 'signedIn', user: { userId: ME } } },
      }) as unknown as Parameters<typeof prefsSelectors.badgeUnread>[0];
    expect(prefsSelectors.badgeUnread(state(views, false))).toBe(4);
    const muted = state(views, true);
    expect(prefsSelectors.badgeUnread(muted)).toBe(3);
    expect(prefsSelectors.badgeUnread(muted)).toBe(3);
    const read = { ...views, 'conv-a': view('conv-a', [...views['conv-a'].items], 0) };
    expect(prefsSelectors.badgeUnread({ ...muted, chat: { views: read } } as unknown as typeof muted)).toBe(1);
  });

  it('lists pinned first, flags muted and marked rows, and filters unread and mentions', () => {
    const a = summary('conv-a', 'Alpha');
    const b = summary('conv-b', 'Beta');
    const c = summary('conv-c', 'Gamma');
    const views = {
      'conv-a': view('conv-a', [message('17000000000000001', BOB, 'old news')], 0),
      'conv-b': view('conv-b', [message('17000000000000003', BOB, 'ping @alice')], 1),
      'conv-c': view('conv-c', [message('17000000000000002', CAROL, 'lunch?')], 1),
    };
    const prefs = { 'conv-a': { pinned: true as const }, 'conv-c': { muted: true as const, markedUnread: true as const } };
    const rows = conversationRows([a, b, c], views, ME, '', prefs);
    expect(rows.map((r) => [r.title, r.pinned, r.muted, r.markedUnread, r.mentions])).toEqual([
      ['Alpha', true, false, false, 0],
      ['Beta', false, false, false, 1],
      ['Gamma', false, true, true, 0],
    ]);
    expect(conversationRows([a, b, c], views, ME, '', prefs, 'unread').map((r) => r.title)).toEqual(['Beta', 'Gamma']);
    expect(conversationRows([a, b, c], views, ME, '', prefs, 'mentions').map((r) => r.title)).toEqual(['Beta']);
    // The open conversation stays listed whatever the filter.
    expect(conversationRows([a, b, c], views, ME, '', prefs, 'mentions', 'conv-a').map((r) => r.title)).toEqual(['Alpha', 'Beta']);
  });
});

describe('the first-run tour names what the organisation can read', () => {
  it('claims "cannot read" only in zero-trust mode', async () => {
    const { firstStepText } = await import('../../src/renderer/src/components/FirstRunTour');
    expect(firstStepText('zero-trust')).toContain('cannot read them');
    expect(firstStepText('escrow')).toContain('recovery key that can open your conversations');
    expect(firstStepText('server-trusted')).toContain('can read your conversations');
    expect(firstStepText('server-trusted')).not.toContain('cannot read');
    expect(firstStepText(null)).not.toContain('cannot read');
  });
});
