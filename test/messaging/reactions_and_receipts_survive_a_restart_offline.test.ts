/**
 * Scenario (issue [store]): Bob's pipeline keeps the reactions and read receipts it learns — his own, Alice's
 * live ones, a removal, and the `actions` of a history page — in the encrypted local store through the
 * `StoredHistory` port (here: the real `LocalStore`, fed as main does for the renderer). After a restart
 * with the relay down, his conversation shows its messages with their reactions, the removal still removed,
 * and the read state, from the store alone. A store that cannot keep them is reported
 * (`stored_history_failed`) and messaging goes on.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStore, type TextPlaintext } from '../../src/client';
import type { MessageCrypto, StoredHistory } from '../../src/common/messaging/ports';
import type { MessageItem } from '../../src/common/messaging/timelineItem';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import { ConversationSession } from '../../src/common/messaging/conversationSession';
import type { MessagingError } from '../../src/common/messaging/errors';
import { cleanup, conversation, MapCursorStore, participant, restart, startTestRelay, stop, waitFor, type Participant } from './harness';

afterEach(cleanup);

/** Keeps what `p` opens in `store`, as main does for the renderer. */
function keepOpens(p: Participant, store: LocalStore): void {
  const crypto: MessageCrypto = p.crypto;
  const open = crypto.open.bind(crypto);
  crypto.open = async (conversationId, envelope, received) => {
    const outcome = await open(conversationId, envelope, received);
    if (received !== undefined && outcome.kind !== 'pending')
      store.put([
        {
          conversationId,
          timetoken: received.timetoken,
          outcome: outcome.kind === 'ok' ? { ...outcome, plaintext: outcome.plaintext as TextPlaintext } : outcome,
        },
      ]);
    return outcome;
  };
}

/** The port over the store, as main answers `historyPage` (each message with its actions) and `keepMessageActions`. */
function storedHistory(store: LocalStore, writes: { count: number } = { count: 0 }): StoredHistory {
  return {
    async page(conversationId, query) {
      const page = store.page(conversationId, query);
      const actions = store.actions(
        conversationId,
        page.map((m) => m.timetoken),
      );
      return page.map((m) => ({ ...m, actions: actions.filter((a) => a.messageTimetoken === m.timetoken) }));
    },
    async keepActions(conversationId, changes) {
      writes.count += 1;
      store.putActions(conversationId, changes);
    },
  };
}

const shown = (p: Participant, dm: Parameters<Participant['messaging']['view']>[0]) =>
  (p.messaging.view(dm).items as MessageItem[]).map((m) => [m.message.body, m.reactions, m.readBy]);

describe('reactions and receipts survive a restart offline', { timeout: 60_000 }, () => {
  it('shows the reactions, a removal and the read state from the store with the relay down', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const store = LocalStore.open(join(mkdtempSync(join(tmpdir(), 'seed-stored-actions-')), 'history.db'), randomBytes(32));
    keepOpens(bob, store);
    const writes = { count: 0 };
    restart(bob, relay, { stored: storedHistory(store, writes) });
    const dm = await conversation('dm-stored-actions', [alice, bob]);

    // Before Bob is online: a message with Alice's reaction on it, which Bob learns from a history page.
    const early = await alice.messaging.send(dm, { type: 'string', body: 'early' });
    if (early.state !== 'sent') throw new Error('send failed');
    await alice.messaging.join([dm]);
    await alice.messaging.react(dm, early.timetoken, '🌅');

    await bob.messaging.join([dm]);
    await waitFor('both live', () => alice.messaging.view(dm).live && bob.messaging.view(dm).live);
    const late = await alice.messaging.send(dm, { type: 'string', body: 'late' });
    if (late.state !== 'sent') throw new Error('send failed');
    await waitFor('bob has both', () => bob.messaging.view(dm).items.length === 2);

    await bob.messaging.react(dm, early.timetoken, '👍');
    await bob.messaging.react(dm, late.timetoken, '😂');
    await bob.messaging.unreact(dm, late.timetoken, '😂');
    await bob.messaging.markRead(dm);
    await alice.messaging.react(dm, late.timetoken, '❤️');
    await alice.messaging.markRead(dm, late.timetoken);
    const expected = [
      [
        'early',
        [
          { value: '🌅', actors: ['user-alice'], mine: false },
          { value: '👍', actors: ['user-bob'], mine: true },
        ],
        ['user-alice', 'user-bob'],
      ],
      ['late', [{ value: '❤️', actors: ['user-alice'], mine: false }], ['user-alice', 'user-bob']],
    ];
    await waitFor('bob sees alice live', () => JSON.stringify(shown(bob, dm)) === JSON.stringify(expected));
    expect(bob.messaging.view(dm).unread).toBe(0);

    await stop(bob);
    await stop(alice);
    await relay.close();
    expect(writes.count).toBeGreaterThan(0);

    restart(bob, relay, { stored: storedHistory(store) });
    await expect(bob.messaging.join([dm])).rejects.toMatchObject({ code: 'history_failed' });
    expect(shown(bob, dm)).toEqual(expected);
    expect(bob.messaging.view(dm).unread).toBe(0);
    await stop(bob);
    store.close();
  });

  it('a store that cannot keep them is reported, and messaging goes on', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const store = LocalStore.open(join(mkdtempSync(join(tmpdir(), 'seed-stored-actions-fail-')), 'history.db'), randomBytes(32));
    keepOpens(bob, store);
    const broken: StoredHistory = {
      page: storedHistory(store).page,
      keepActions: () => Promise.reject(new Error('disk full')),
    };
    restart(bob, relay, { stored: broken });
    const errors: string[] = [];
    bob.messaging.onError((e) => errors.push(e.code));
    const dm = await conversation('dm-stored-actions-fail', [alice, bob]);
    await bob.messaging.join([dm]);
    const sent = await alice.messaging.send(dm, { type: 'string', body: 'hello' });
    if (sent.state !== 'sent') throw new Error('send failed');
    await waitFor('bob has it', () => bob.messaging.view(dm).items.length === 1);
    await bob.messaging.react(dm, sent.timetoken, '👍');
    await waitFor('reported', () => errors.includes('stored_history_failed'));
    expect(shown(bob, dm)).toEqual([['hello', [{ value: '👍', actors: ['user-bob'], mine: true }], []]]);
    expect((await bob.messaging.send(dm, { type: 'string', body: 'still sending' })).state).toBe('sent');
    await stop(bob);
    store.close();
  });

  it('a message over the store bound leaves out only its own actions; the others of the same batch are kept', async () => {
    const relay = await startTestRelay();
    const bob = await participant(relay, 'bob');
    const store = LocalStore.open(join(mkdtempSync(join(tmpdir(), 'seed-stored-actions-bound-')), 'history.db'), randomBytes(32));
    const conv = 'conv-bound-0001' as ConversationId;
    const [flooded, calm] = ['17330000000000010', '17330000000000020'];
    const message = (timetoken: string) => ({
      conversationId: conv,
      timetoken,
      outcome: {
        kind: 'ok' as const,
        plaintext: { id: randomBytes(16).toString('base64url') as MessageId, sentAt: 1_733_000_000_000, type: 'string' as const, body: timetoken },
        senderDevice: 'dev-alice-1' as DeviceId,
        senderUser: 'user-alice' as UserId,
        keyVersion: 1,
      },
    });
    store.put([message(flooded), message(calm)]);
    // A peer already flooded one message up to the store's bound (256 actions).
    store.putActions(
      conv,
      Array.from({ length: 256 }, (_, i) => ({
        event: 'added' as const,
        action: {
          messageTimetoken: flooded,
          type: 'reaction',
          value: `r${i}`,
          actor: 'user-mallory',
          actionTimetoken: String(BigInt(flooded) + BigInt(i + 1)),
        },
      })),
    );
    const failures: MessagingError[] = [];
    const session = new ConversationSession(conv, {
      pubnub: bob.pubnub,
      crypto: bob.crypto,
      cursors: new MapCursorStore(),
      stored: storedHistory(store),
      pageSize: 25,
      changed: () => undefined,
      failed: (_, error) => failures.push(error),
      disposed: () => false,
    });
    // Learned in the same turn: one batch for both messages (read receipts: the clear actions a session applies).
    const more = { messageTimetoken: flooded, type: 'receipt', value: 'read', actor: 'user-mallory', actionTimetoken: String(BigInt(flooded) + 999n) };
    const thumbs = { messageTimetoken: calm, type: 'receipt', value: 'read', actor: 'user-alice', actionTimetoken: String(BigInt(calm) + 1n) };
    expect(session.applyAction('added', more)).toBe(true);
    expect(session.applyAction('added', thumbs)).toBe(true);
    await session.flush();

    expect(store.actions(conv, [calm])).toEqual([{ ...thumbs, removed: false }]);
    expect(store.actions(conv, [flooded])).toHaveLength(256);
    expect(failures.map((f) => f.code)).toEqual(['stored_history_failed']);
    expect(failures[0]?.message).toMatch(/at most 256 actions/);
    store.close();
  });
});
