/**
 * Stock-SDK compatibility mode in the window (docs/messaging.md "Stock PubNub SDK clients"): a message with
 * the unsigned sender pair reads "Unverified sender" with the "Not signed" marker (also in its accessible
 * name), is never "mine" even when the self id is the marker's, and a reply quoting it names no member; the
 * composer offers "Send unsigned" only when the container passes it (the `stockSdkCompat` policy on).
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { DeviceId, MessageId, UserId } from '../../src/common/ids';
import type { TimelineItem } from '../../src/common/messaging/timelineItem';
import { UNSIGNED_SENDER_DEVICE, UNSIGNED_SENDER_USER } from '../../src/common/protocol/pubnub/stock';
import { Composer } from '../../src/renderer/src/components/Composer';
import { MessageRow } from '../../src/renderer/src/components/MessageRow';
import { layoutTimeline } from '../../src/renderer/src/model/timelineLayout';
import { nameOf } from '../../src/renderer/src/model/people';
import { rowOf, UNVERIFIED_SENDER } from '../../src/renderer/src/model/timelineRows';

const members = [{ userId: 'user-bob-000000000001' as UserId, displayName: 'Bob' }];

function item(senderUser: UserId, senderDevice: DeviceId, body: string): TimelineItem {
  return {
    kind: 'message',
    key: `k-${body}`,
    timetoken: '17672256050001234',
    id: `stock-17672256050001234` as MessageId,
    message: { id: 'stock-17672256050001234' as MessageId, sentAt: 1_767_225_605_000, type: 'string', body },
    senderUser,
    senderDevice,
    keyVersion: 1,
    delivery: undefined,
    reactions: [],
    readBy: [],
  } as unknown as TimelineItem;
}

describe('unsigned stock messages in the window', () => {
  it('show "Unverified sender" and the Not signed marker, never a name and never as mine', () => {
    const row = rowOf(item(UNSIGNED_SENDER_USER, UNSIGNED_SENDER_DEVICE, 'from a phone'), members, UNSIGNED_SENDER_USER);
    expect(row).toMatchObject({ kind: 'message', author: UNVERIFIED_SENDER, unsigned: true, mine: false });
    const [display] = layoutTimeline([row], 1_767_225_700_000).filter((r) => r.kind === 'message');
    const html = renderToStaticMarkup(createElement(MessageRow, { row: display! } as Parameters<typeof MessageRow>[0]));
    expect(html).toContain('data-testid="unsigned-label"');
    expect(html).toContain('Not signed: sent by a standard PubNub client; the sender cannot be verified');
    expect(html).toContain('role="note"');
    expect(html).toMatch(/aria-label="Unverified sender, [^"]*, not signed"/);
  });

  it('the marker is never named as a person, even if a member list claimed its id (notifications, previews, search)', () => {
    expect(nameOf(UNSIGNED_SENDER_USER, [{ userId: UNSIGNED_SENDER_USER, displayName: 'Bob' }], null)).toBe(UNVERIFIED_SENDER);
    expect(nameOf(UNSIGNED_SENDER_USER, members, UNSIGNED_SENDER_USER)).toBe(UNVERIFIED_SENDER);
  });

  it('a signed message has no marker', () => {
    const row = rowOf(item(members[0]!.userId, 'device-bob-00000001' as DeviceId, 'signed'), members, null);
    expect(row).toMatchObject({ kind: 'message', author: 'Bob' });
    expect(row.kind === 'message' && row.unsigned).toBeFalsy();
    const [display] = layoutTimeline([row], 1_767_225_700_000).filter((r) => r.kind === 'message');
    expect(renderToStaticMarkup(createElement(MessageRow, { row: display! } as Parameters<typeof MessageRow>[0]))).not.toContain('unsigned-label');
  });

  it('the composer offers "Send unsigned" only when asked to, described for screen readers', () => {
    const base = { value: 'hi', disabledReason: null, onChange: () => undefined, onSend: () => undefined };
    expect(renderToStaticMarkup(createElement(Composer, base))).not.toContain('composer-send-unsigned');
    const html = renderToStaticMarkup(createElement(Composer, { ...base, onSendUnsigned: () => undefined }));
    expect(html).toContain('data-testid="composer-send-unsigned"');
    expect(html).toContain('Send unsigned');
    expect(html).toContain('nobody can verify that you sent it');
    expect(html).toMatch(/aria-describedby="[^"]+"/);
  });
});
