/**
 * The offline queue in the timeline (model/outboxRows.ts, model/timelineRows.ts): a send handed to main's
 * queue shows once, at the end, waiting for the network in plain words; a stopped one says why and offers
 * Retry only where it can help; once main delivered it, the pipeline's own failed attempt reads as sent.
 * Which failures go to the queue: the relay or the key service out of reach, nothing else.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import type { OutboxEntryView } from '../../src/common/ipc/schemas/outbox';
import type { ConversationView } from '../../src/common/messaging/messaging';
import type { TimelineItem } from '../../src/common/messaging/timelineItem';
import { QUEUED_TEXT, stoppedSend, waitsForNetwork } from '../../src/renderer/src/model/outboxRows';
import { timelineRows } from '../../src/renderer/src/model/timelineRows';

const ME = 'user-me-0001' as UserId;
const BOB = 'user-bob-001' as UserId;
const C = 'conv-0000001' as ConversationId;
const members = [
  { userId: ME, username: 'me', displayName: 'Me', role: 'owner' as const, joinedAt: 0 },
  { userId: BOB, username: 'bob', displayName: 'Bob', role: 'member' as const, joinedAt: 0 },
];

function item(id: string, body: string, extra: Partial<Extract<TimelineItem, { kind: 'message' }>> = {}): TimelineItem {
  return {
    kind: 'message',
    key: `msg:${id}`,
    timetoken: undefined,
    id: id as MessageId,
    message: { id: id as MessageId, sentAt: 1_700_000_000_000, type: 'string', body },
    senderUser: ME,
    senderDevice: 'device-0001' as DeviceId,
    keyVersion: 1,
    delivery: undefined,
    reactions: [],
    readBy: [],
    ...extra,
  };
}

const view = (items: TimelineItem[]): ConversationView => ({
  conversationId: C,
  items,
  typing: [],
  reachedStart: true,
  joined: true,
  live: false,
  lastTimetoken: undefined,
  unread: 0,
});

function entry(id: string, body: string, failure: { code: string; message: string } | null = null): OutboxEntryView {
  return {
    conversationId: C,
    plaintext: { id: id as MessageId, sentAt: 1_700_000_000_000, type: 'string', body },
    state: failure ? 'failed' : 'queued',
    failure,
  };
}

describe('queued sends in the timeline', () => {
  it('a failed send handed to the queue shows once, at the end, waiting for the network', () => {
    const failed = item('message-00001', 'hello', { delivery: { state: 'failed', code: 'network', message: 'PNNetworkIssuesCategory' } });
    const rows = timelineRows(
      view([item('message-00000', 'earlier', { timetoken: '17000000000000000', delivery: { state: 'sent' } }), failed]),
      [],
      members,
      ME,
      {
        entries: [entry('message-00001', 'hello')],
        delivered: {},
      },
    );
    expect(rows.map((r) => (r.kind === 'message' ? [r.text, r.delivery, r.queued?.text ?? null] : r.kind))).toEqual([
      ['earlier', 'sent', null],
      ['hello', null, QUEUED_TEXT],
    ]);
    expect(QUEUED_TEXT).toBe("Waiting for network — will send when you're back online");
  });

  it('a stopped send says why in a sentence, keeps its code, and offers Retry only where it can help', () => {
    const rows = timelineRows(view([]), [], members, ME, {
      entries: [entry('message-00002', 'to the group', { code: 'not_a_member', message: 'raw server text' })],
      delivered: {},
    });
    expect(rows[0]).toMatchObject({
      kind: 'message',
      mine: true,
      queued: { state: 'failed', code: 'not_a_member', canRetry: false, text: 'Not sent: you are no longer a member of this conversation.' },
    });
    expect(JSON.stringify(rows[0])).not.toMatch(/queued[^}]*raw server text/);
    expect(stoppedSend('identity_changed').canRetry).toBe(true);
    expect(stoppedSend('too_large').canRetry).toBe(false);
  });

  it('once main delivered it, the pipeline’s failed attempt reads as sent (no Retry that would send it twice)', () => {
    const failed = item('message-00003', 'delivered', { delivery: { state: 'failed', code: 'network', message: 'x' } });
    const rows = timelineRows(view([failed]), [], members, ME, { entries: [], delivered: { 'message-00003': true } });
    expect(rows[0]).toMatchObject({ kind: 'message', delivery: 'sent', failure: null });
  });

  it('only the network out of reach sends a failure to the queue', () => {
    expect(waitsForNetwork({ state: 'failed', code: 'network', message: 'x' })).toBe(true);
    expect(waitsForNetwork({ state: 'failed', code: 'seal_failed', message: 'key_service_unreachable: cannot reach' })).toBe(true);
    expect(waitsForNetwork({ state: 'failed', code: 'seal_failed', message: 'messaging_unavailable: PubNub is down' })).toBe(true);
    expect(waitsForNetwork({ state: 'failed', code: 'seal_failed', message: 'identity_changed: the key changed' })).toBe(false);
    expect(waitsForNetwork({ state: 'failed', code: 'seal_failed', message: 'not_a_member: removed' })).toBe(false);
    expect(waitsForNetwork({ state: 'failed', code: 'too_large', message: 'x' })).toBe(false);
    expect(waitsForNetwork({ state: 'failed', code: 'access_denied', message: 'x' })).toBe(false);
    expect(waitsForNetwork({ state: 'sent' })).toBe(false);
  });
});
