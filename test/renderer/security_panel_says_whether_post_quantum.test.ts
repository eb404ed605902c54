/**
 * Issue 24 [pq], the mark in the window: the Security panel says in a plain sentence whether the
 * conversation is post-quantum protected (docs/protocol.md §5.1; `postQuantum` of the conversation summary,
 * computed by main from the verified record and the member devices' certificates) — "Post-quantum
 * protected" when every device's copy of the current key is X-Wing, "Not fully post-quantum protected"
 * with the reason (a device on an older app) when one is not, each with a line that explains it — and
 * claims nothing either way while the status is unknown. The IPC summary admits only the three states.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ConversationId, UserId } from '../../src/common/ids';
import { conversationSummarySchema, type ConversationSummary } from '../../src/common/ipc/schemas/conversations';
import { PostQuantumMark, SecurityPanel } from '../../src/renderer/src/components/SecurityPanel';

const summary = (postQuantum?: ConversationSummary['postQuantum']): ConversationSummary => ({
  conversationId: 'conv-pq-0001' as ConversationId,
  kind: 'direct',
  name: 'Bob',
  channel: 'conv.conv-pq-0001',
  historyPolicy: 'shared',
  keyVersion: 3,
  needsRotation: false,
  myRole: 'owner',
  members: [
    { userId: 'user-alice' as UserId, username: 'alice', displayName: 'Alice', role: 'owner', joinedAt: 1 },
    { userId: 'user-bob' as UserId, username: 'bob', displayName: 'Bob', role: 'member', joinedAt: 1 },
  ],
  ...(postQuantum === undefined ? {} : { postQuantum }),
});

const panel = (postQuantum?: ConversationSummary['postQuantum']) =>
  renderToStaticMarkup(
    createElement(SecurityPanel, {
      conversation: summary(postQuantum),
      selfUserId: 'user-alice',
      trust: {},
      focusUserId: null,
      busy: false,
      error: null,
      onRotate: () => undefined,
      onFocus: () => undefined,
      onVerify: () => undefined,
      onAcknowledge: () => undefined,
      onClose: () => undefined,
    }),
  );

/** The visible text of some markup, as a person reads it. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

describe('the Security panel says whether the conversation is post-quantum protected', () => {
  it('protected: "Post-quantum protected", with a line that explains it', () => {
    const html = panel('protected');
    expect(html).toContain('data-status="protected"');
    expect(text(html)).toContain('Post-quantum protected');
    expect(text(html)).not.toContain('Not fully');
    expect(text(html)).toContain("Every device's copy of this conversation's key is sealed with a hybrid post-quantum method");
    // The check mark is decoration: the sentence says it.
    expect(html).toContain('<span aria-hidden="true">✔ </span>Post-quantum protected');
  });

  it('partial: "Not fully post-quantum protected" and why, as plain sentences without codes', () => {
    const mark = text(renderToStaticMarkup(createElement(PostQuantumMark, { status: 'partial' })));
    expect(mark).toMatch(/^Not fully post-quantum protected: at least one device in this conversation uses an older version of the app\. /);
    expect(mark).toContain('The conversation becomes fully protected once every device is set up with a current version and the key is rotated.');
    expect(mark).not.toMatch(/x-?wing|x25519|ml-kem|partial|suite/i);
    expect(panel('partial')).toContain('data-status="partial"');
    expect(text(panel('partial'))).not.toContain('Post-quantum protected Every');
  });

  it('unknown or absent: no claim either way', () => {
    for (const status of ['unknown', undefined] as const) {
      const html = panel(status);
      expect(html).not.toContain('post-quantum-status');
      expect(text(html).toLowerCase()).not.toContain('quantum');
      expect(html).toContain('data-testid="key-version"');
    }
    expect(renderToStaticMarkup(createElement(PostQuantumMark, { status: 'unknown' }))).toBe('');
  });

  it('the IPC summary carries one of the three states only', () => {
    expect(conversationSummarySchema.parse(summary('partial')).postQuantum).toBe('partial');
    expect(() => conversationSummarySchema.parse({ ...summary(), postQuantum: 'yes' })).toThrow();
  });
});
