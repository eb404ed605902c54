/**
 * Scenario (issue [store]): Bob read 60 messages; main kept each one it opened in the encrypted local store
 * (here: the real `LocalStore` fed from Bob's opens, as the desktop's `keepOpened` does). With the relay
 * down, "Load older messages" pages back through the store — no network — until all 60 show. Then the
 * relay comes back with its history gone (PubNub's retention ended): the stored messages stay, and the
 * start of the conversation is reached when PubNub has nothing older.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/client';
import type { ConversationId } from '../../src/common/ids';
import type { MessageCrypto, StoredHistory } from '../../src/common/messaging/ports';
import type { TextPlaintext } from '../../src/client';
import { startRelay } from '../../src/relay/index';
import { cleanup, conversation, participant, restart, startTestRelay, stop, texts, type Participant } from './harness';

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

function storedHistory(store: LocalStore): StoredHistory {
  return { page: async (conversationId: ConversationId, query) => store.page(conversationId, query) };
}

const all = Array.from({ length: 60 }, (_, i) => `message ${i}`);

describe('bob scrolls back through stored history offline', { timeout: 60_000 }, () => {
  it('pages back from the store with the relay down, and keeps what PubNub no longer has', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const store = LocalStore.open(join(mkdtempSync(join(tmpdir(), 'seed-stored-older-')), 'history.db'), randomBytes(32));
    keepOpens(bob, store);
    const dm = await conversation('dm-stored-older', [alice, bob]);
    for (const body of all) expect((await alice.messaging.send(dm, { type: 'string', body })).state).toBe('sent');
    await bob.messaging.join([dm]);
    while (!bob.messaging.view(dm).reachedStart) await bob.messaging.loadOlder(dm);
    expect(texts(bob, dm)).toEqual(all);
    await stop(bob);
    await relay.close();

    restart(bob, relay, { stored: storedHistory(store) });
    await expect(bob.messaging.join([dm])).rejects.toMatchObject({ code: 'history_failed' });
    expect(texts(bob, dm)).toEqual(all.slice(35));
    expect(await bob.messaging.loadOlder(dm)).toEqual({ added: 25, reachedStart: false });
    expect(texts(bob, dm)).toEqual(all.slice(10));
    // The store has 10 more; PubNub cannot be asked: what the store gave stands, no error.
    expect(await bob.messaging.loadOlder(dm)).toEqual({ added: 10, reachedStart: false });
    expect(texts(bob, dm)).toEqual(all);
    // Nothing older anywhere reachable: the relay's refusal now surfaces.
    await expect(bob.messaging.loadOlder(dm)).rejects.toMatchObject({ code: 'history_failed' });

    // The relay returns with no history (retention ended): nothing older there, the stored 60 stay.
    const empty = await startRelay({ port: relay.port, dataDir: mkdtempSync(join(tmpdir(), 'seed-stored-older-relay-')) });
    try {
      expect(await bob.messaging.loadOlder(dm)).toEqual({ added: 0, reachedStart: true });
      expect(texts(bob, dm)).toEqual(all);
    } finally {
      await stop(bob);
      await empty.close();
    }
    store.close();
  });
});
