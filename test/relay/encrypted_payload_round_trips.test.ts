/**
 * The ACRH-encrypted payload path (docs/pubnub-wire.md §4): SDK clients with the AES-CBC crypto module publish
 * and read through the relay; live delivery and history decrypt, a client without the key sees only the
 * `PNED…ACRH` base64 string, and the relay's SQLite file never holds the plaintext.
 */
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import PubNub from 'pubnub';
import { cleanup, client, collect, startTestRelay, subscribeAndWait, waitFor } from './helpers';

afterEach(cleanup);

const cryptoModule = () => PubNub.CryptoModule?.aesCbcCryptoModule({ cipherKey: 'conversation-key-v1' });

describe('encrypted payload round-trips', () => {
  it('delivers and stores only ciphertext that keyed clients decrypt', async () => {
    const relay = await startTestRelay();
    const alice = client(relay, 'alice', { cryptoModule: cryptoModule() });
    const bob = client(relay, 'bob', { cryptoModule: cryptoModule() });
    const eve = client(relay, 'eve');
    const bobSeen = collect(bob);
    const eveSeen = collect(eve);
    await subscribeAndWait(bob, bobSeen, { channels: ['conv.secret'] });
    await subscribeAndWait(eve, eveSeen, { channels: ['conv.secret'] });

    const plaintext = { text: 'the eagle lands at noon', emoji: '🦅' };
    await alice.publish({ channel: 'conv.secret', message: plaintext });
    await alice.publish({ channel: 'conv.secret', message: { text: 'by post' }, sendByPost: true });

    await waitFor('bob and eve get both', () => bobSeen.messages.length === 2 && eveSeen.messages.length === 2);
    expect(bobSeen.messages.map((m) => m.message)).toEqual([plaintext, { text: 'by post' }]);
    expect(bobSeen.messages.every((m) => m.error === undefined)).toBe(true);
    for (const m of eveSeen.messages) {
      expect(typeof m.message).toBe('string');
      expect(m.message as string).toMatch(/^UE5FRAFBQ1JIE/);
    }

    const bobHistory = await bob.fetchMessages({ channels: ['conv.secret'] });
    expect(bobHistory.channels['conv.secret']?.map((m) => m.message)).toEqual([plaintext, { text: 'by post' }]);
    const eveHistory = await eve.fetchMessages({ channels: ['conv.secret'] });
    expect(eveHistory.channels['conv.secret']?.map((m) => m.message)).toEqual(eveSeen.messages.map((m) => m.message));

    await relay.close();
    const db = new Database(join(relay.dataDir, 'relay.sqlite'), { readonly: true });
    const stored = db.prepare('SELECT payload FROM messages').all() as { payload: string }[];
    db.close();
    expect(stored).toHaveLength(2);
    for (const row of stored) {
      expect(row.payload).not.toContain('eagle');
      expect(JSON.parse(row.payload) as string).toMatch(/^UE5FRAFBQ1JIE/);
    }
  });
});
