/** Which received messages are new to the user (notifications) and what the renderer tells main about one. */
import { describe, expect, it } from 'vitest';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import type { ConversationSummary } from '../../src/common/ipc/schemas/conversations';
import { notificationArgsSchema } from '../../src/common/ipc/schemas/notifications';
import type { ConversationView } from '../../src/common/messaging/messaging';
import type { MessageItem, TimelineItem } from '../../src/common/messaging/timelineItem';
import { newIncomingMessages, notificationArgsOf, timetokenMs } from '../../src/renderer/src/model/liveMessages';

const ME = 'user-me-00001' as UserId;
const BOB = 'user-bob-0001' as UserId;
const CONV = 'conv-live-0001' as ConversationId;
const START = 1_700_000_000_000;

const tt = (ms: number) => `${ms}0000`;

function message(key: string, senderUser: UserId, ms: number, body: string, readBy: string[] = []): MessageItem {
  return {
    kind: 'message',
    key,
    timetoken: tt(ms),
    id: `${key}-id-000` as MessageId,
    message: { id: `${key}-id-000` as MessageId, sentAt: ms, type: 'string', body },
    senderUser,
    senderDevice: 'device-bob-01' as DeviceId,
    keyVersion: 1,
    delivery: undefined,
    reactions: [],
    readBy,
  };
}

const view = (items: TimelineItem[]): ConversationView => ({
  conversationId: CONV,
  items,
  typing: [],
  reachedStart: true,
  joined: true,
  live: true,
  lastTimetoken: undefined,
  unread: 0,
});

const group: ConversationSummary = {
  conversationId: CONV,
  kind: 'group',
  name: 'Team Falcon',
  channel: `conv.${CONV}`,
  historyPolicy: 'shared',
  keyVersion: 1,
  needsRotation: false,
  myRole: 'member',
  members: [
    { userId: ME, username: 'me', displayName: 'Me', role: 'member', joinedAt: 0 },
    { userId: BOB, username: 'bob', displayName: 'Bob', role: 'owner', joinedAt: 0 },
  ],
};

describe('newIncomingMessages', () => {
  it('keeps unread messages of others that reached the relay after messaging started', () => {
    const items: TimelineItem[] = [
      message('history', BOB, START - 60_000, 'old'),
      message('mine', ME, START + 1_000, 'my own'),
      message('read', BOB, START + 2_000, 'already read', [ME]),
      { kind: 'pending', key: 'pending', timetoken: tt(START + 3_000), keyVersion: 2, publisher: BOB },
      { kind: 'rejected', key: 'rejected', timetoken: tt(START + 3_500), code: 'bad_signature', reason: 'x', publisher: BOB },
      message('fresh', BOB, START + 4_000, 'new one', ['someone-else']),
    ];
    expect(newIncomingMessages(view(items), ME, START).map((m) => m.key)).toEqual(['fresh']);
  });

  it('reads timetokens as milliseconds', () => {
    expect(timetokenMs('17000000000001234')).toBeCloseTo(1_700_000_000_000.1234, 3);
  });
});

describe('notificationArgsOf', () => {
  it('names the sender and the group; the request passes the contract', () => {
    const args = notificationArgsOf(message('fresh', BOB, START, 'hello <b>team</b>'), view([]), group, ME);
    expect(args).toEqual({ conversationId: CONV, conversationTitle: 'Team Falcon', senderUserId: BOB, senderName: 'Bob', text: 'hello <b>team</b>' });
    expect(notificationArgsSchema.safeParse(args).success).toBe(true);
  });

  it('stays within the contract for odd names and very long text', () => {
    const odd = { ...group, name: '   ', members: [{ ...group.members[1]!, displayName: `${'😀'.repeat(150)}` }] };
    const args = notificationArgsOf(message('long', BOB, START, `${'x'.repeat(1999)}😀 and more`), view([]), odd, ME);
    expect(notificationArgsSchema.safeParse(args).success).toBe(true);
    expect(args.conversationTitle).toBe('Conversation');
    expect(args.text.endsWith('\uD83D')).toBe(false);
    const unknown = notificationArgsOf(message('who', BOB, START, 'hi'), view([]), undefined, ME);
    expect(unknown).toMatchObject({ conversationTitle: 'Conversation', senderName: 'Unknown person' });
  });
});
