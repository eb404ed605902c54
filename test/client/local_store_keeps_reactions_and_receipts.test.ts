/**
 * Reactions and read receipts in the encrypted local store (docs/client.md "Reactions and receipts"): each
 * action of a stored message is kept with its conversation, message timetoken, type, value, actor and action
 * timetoken, and read back with its message; a removal stays, whatever lists the action again later. A batch
 * with an unknown type, an unbounded or malformed value, a bad timetoken or actor, or too many actions for
 * one message is `annotation_refused` and writes nothing. Actions leave with their message when it expires.
 * Real SQLite (better-sqlite3-multiple-ciphers, SQLCipher format) in a temp folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import type { ActionChange, ActionEvent } from '../../src/common/messaging/annotations';
import { AnnotationRefusedError, LocalStore, MAX_ACTIONS_PER_MESSAGE, type StoredMessage } from '../../src/client/store';

const dir = mkdtempSync(join(tmpdir(), 'seed-store-actions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const conv = 'conv-actions-0001' as ConversationId;
const other = 'conv-actions-0002' as ConversationId;
const base = 17_330_000_000_000_000n;
const tt = (i: number) => String(base + BigInt(i) * 10_000n);

function text(conversationId: ConversationId, i: number, sentAt = 1_733_000_000_000 + i): StoredMessage {
  return {
    conversationId,
    timetoken: tt(i),
    outcome: {
      kind: 'ok',
      plaintext: { id: `msg-${String(i).padStart(6, '0')}` as MessageId, sentAt, type: 'string', body: `message ${i}` },
      senderDevice: 'dev-alice-1' as DeviceId,
      senderUser: 'user-alice' as UserId,
      keyVersion: 1,
    },
  };
}

function open(): LocalStore {
  const store = LocalStore.open(join(dir, `${randomBytes(4).toString('hex')}.db`), randomBytes(32));
  store.put([text(conv, 1), text(conv, 2), text(other, 3)]);
  return store;
}

const action = (i: number, type: string, value: string, actor: string, n: number): ActionEvent => ({
  messageTimetoken: tt(i),
  type,
  value,
  actor,
  actionTimetoken: String(base + BigInt(i) * 10_000n + BigInt(n)),
});
const added = (a: ActionEvent): ActionChange => ({ event: 'added', action: a });
const removed = (a: ActionEvent): ActionChange => ({ event: 'removed', action: a });

describe('reactions and receipts are kept with their messages', () => {
  it('round trip: every field comes back, per message, in action order', () => {
    const store = open();
    const thumbs = action(1, 'reaction', '👍', 'user-bob01', 5);
    const party = action(1, 'reaction', '👨‍👩‍👧‍👦', 'user-carol1', 7);
    const read = action(2, 'receipt', 'read', 'user-bob01', 9);
    expect(store.putActions(conv, [added(party), added(thumbs), added(read)])).toBe(3);
    expect(store.actions(conv, [tt(1), tt(2)])).toEqual([
      { ...thumbs, removed: false },
      { ...party, removed: false },
      { ...read, removed: false },
    ]);
    expect(store.actions(conv, [tt(2)])).toEqual([{ ...read, removed: false }]);
    // Another conversation's message at its own timetoken holds nothing of these.
    expect(store.actions(other, [tt(1), tt(2), tt(3)])).toEqual([]);
    // Adding the same action again changes nothing.
    expect(store.putActions(conv, [added(thumbs)])).toBe(0);
  });

  it('an action for a message the store does not hold is not kept', () => {
    const store = open();
    expect(store.putActions(conv, [added(action(42, 'reaction', '🎉', 'user-bob01', 1))])).toBe(0);
    expect(store.actions(conv, [tt(42)])).toEqual([]);
  });

  it('a removal wins: the action stays removed when an add of it comes later, in the same batch or another', () => {
    const store = open();
    const thumbs = action(1, 'reaction', '👍', 'user-bob01', 5);
    store.putActions(conv, [added(thumbs)]);
    store.putActions(conv, [removed(thumbs)]);
    store.putActions(conv, [added(thumbs)]); // an older history page still lists it
    expect(store.actions(conv, [tt(1)])).toEqual([{ ...thumbs, removed: true }]);
    // A removal heard before its add (live event before the page) is kept as a removal too.
    const heart = action(2, 'reaction', '❤️', 'user-carol1', 6);
    store.putActions(conv, [removed(heart), added(heart)]);
    expect(store.actions(conv, [tt(2)])).toEqual([{ ...heart, removed: true }]);
  });
});

describe('a bad batch is refused with a typed error and writes nothing', () => {
  const good = added(action(1, 'reaction', '👍', 'user-bob01', 5));
  const bad: [string, ActionChange][] = [
    ['an unknown type', added(action(1, 'edit', 'x', 'user-bob01', 6))],
    ['a receipt that is not read', added(action(1, 'receipt', 'delivered', 'user-bob01', 6))],
    ['an empty reaction', added(action(1, 'reaction', '', 'user-bob01', 6))],
    ['a reaction over 64 characters', added(action(1, 'reaction', '😀'.repeat(33), 'user-bob01', 6))],
    ['a reaction with a space', added(action(1, 'reaction', 'a b', 'user-bob01', 6))],
    ['a reaction with a control character', added(action(1, 'reaction', 'a\u0000', 'user-bob01', 6))],
    ['a lone surrogate', added(action(1, 'reaction', '\uD83D', 'user-bob01', 6))],
    ['a message timetoken that is not digits', added({ ...action(1, 'reaction', '🎉', 'user-bob01', 6), messageTimetoken: "1' OR 1=1 --" })],
    ['an action timetoken of 21 digits', added({ ...action(1, 'reaction', '🎉', 'user-bob01', 6), actionTimetoken: '1'.repeat(21) })],
    ['an actor that is not a user id', added(action(1, 'reaction', '🎉', 'user bob; DROP TABLE', 6))],
    ['an unknown event', { event: 'edited', action: action(1, 'reaction', '🎉', 'user-bob01', 6) } as unknown as ActionChange],
  ];

  for (const [what, change] of bad) {
    it(what, () => {
      const store = open();
      store.putActions(conv, [good]);
      const before = store.actions(conv, [tt(1), tt(2)]);
      expect(() => store.putActions(conv, [added(action(2, 'receipt', 'read', 'user-bob01', 1)), change])).toThrow(AnnotationRefusedError);
      try {
        store.putActions(conv, [change]);
      } catch (err) {
        expect(err).toMatchObject({ code: 'annotation_refused' });
      }
      expect(store.actions(conv, [tt(1), tt(2)])).toEqual(before);
    });
  }

  it(`more than ${MAX_ACTIONS_PER_MESSAGE} actions on one message, at once or over several batches`, () => {
    const store = open();
    const many = Array.from({ length: MAX_ACTIONS_PER_MESSAGE + 1 }, (_, n) => added(action(1, 'reaction', `r${n}`, 'user-bob01', n)));
    expect(() => store.putActions(conv, many)).toThrow(AnnotationRefusedError);
    expect(store.actions(conv, [tt(1)])).toEqual([]);
    expect(store.putActions(conv, many.slice(0, MAX_ACTIONS_PER_MESSAGE))).toBe(MAX_ACTIONS_PER_MESSAGE);
    const extra = added(action(1, 'reaction', 'one-more', 'user-carol1', 999));
    expect(() => store.putActions(conv, [added(action(2, 'receipt', 'read', 'user-bob01', 1)), extra])).toThrow(AnnotationRefusedError);
    expect(store.actions(conv, [tt(1)])).toHaveLength(MAX_ACTIONS_PER_MESSAGE);
    expect(store.actions(conv, [tt(2)])).toEqual([]);
  });

  it('a batch over 500 changes', () => {
    const store = open();
    const batch = Array.from({ length: 501 }, (_, n) => added(action(1 + (n % 2), 'reaction', `r${n}`, 'user-bob01', n)));
    expect(() => store.putActions(conv, batch)).toThrow(AnnotationRefusedError);
    expect(store.actions(conv, [tt(1), tt(2)])).toEqual([]);
  });
});

describe('actions leave with their message', () => {
  it('an expired message takes its reactions and receipts with it; a message that stays keeps its own', () => {
    const store = LocalStore.open(join(dir, `${randomBytes(4).toString('hex')}.db`), randomBytes(32));
    const now = Date.now();
    store.setTimers(conv, [{ seq: 1, at: now - 60_000, seconds: 300 }]);
    const fleeting = { ...text(conv, 1, now), timetoken: String(BigInt(now) * 10_000n + 1n) };
    const lasting = text(other, 2, now);
    store.put([fleeting, lasting]);
    const onFleeting = { ...action(1, 'reaction', '🔥', 'user-bob01', 1), messageTimetoken: fleeting.timetoken };
    const readFleeting = { ...action(1, 'receipt', 'read', 'user-bob01', 2), messageTimetoken: fleeting.timetoken };
    const onLasting = action(2, 'reaction', '🔥', 'user-bob01', 1);
    store.putActions(conv, [added(onFleeting), added(readFleeting)]);
    store.putActions(other, [added(onLasting)]);
    expect(store.actions(conv, [fleeting.timetoken])).toHaveLength(2);

    expect(store.deleteExpired(now + 301_000).map((m) => m.timetoken)).toEqual([fleeting.timetoken]);

    expect(store.actions(conv, [fleeting.timetoken])).toEqual([]);
    expect(store.actions(other, [tt(2)])).toEqual([{ ...onLasting, removed: false }]);
    // Nothing is left behind for the gone message to pick up if a message came back at that timetoken.
    store.put([{ ...text(conv, 1, now + 301_000), timetoken: fleeting.timetoken }]);
    expect(store.actions(conv, [fleeting.timetoken])).toEqual([]);
  });
});
