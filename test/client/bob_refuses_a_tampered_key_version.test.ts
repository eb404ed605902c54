/**
 * Scenario: a compromised key service. It edits what it stores (the SQLite file behind a running service)
 * and serves Bob a wrap that is not the one Alice signed, or a record whose header changed. Bob's key ring
 * verifies every fetched version (docs/protocol.md §6.4) and refuses both: he cannot seal with such a key,
 * the error names the protocol failure, and an envelope under that version turns from "cannot decrypt
 * yet" into rejected (bad_signature) instead of waiting forever.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageId } from '../../src/common/ids';
import { cleanup, registered, startWorld } from './harness';

afterEach(cleanup);

const plaintext = { id: 'msg-tamper-0001' as MessageId, sentAt: 1, type: 'string' as const, body: 'x' };

describe('bob refuses a tampered key version', () => {
  it('a swapped wrap fails the digest check; an edited record fails the signature', async () => {
    const world = await startWorld();
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const carol = await registered(world, 'carol');
    const group = await alice.createConversation({ kind: 'group', name: 'tamper', members: [bob.session().userId, carol.session().userId] });
    const id = group.conversationId;
    const db = new Database(join(world.serviceDir, 'keyservice.sqlite'));
    try {
      const carolWrap = db.prepare('SELECT wrap FROM key_wraps WHERE conversation_id = ? AND device_id = ?').get(id, carol.session().deviceId) as {
        wrap: string;
      };
      db.prepare('UPDATE key_wraps SET wrap = ? WHERE conversation_id = ? AND device_id = ?').run(carolWrap.wrap, id, bob.session().deviceId);
      await expect(bob.messageCrypto().seal(id, plaintext)).rejects.toMatchObject({ code: 'bad_signature' });
      const sealed = await alice.messageCrypto().seal(id, plaintext);
      expect(await bob.messageCrypto().open(id, sealed)).toMatchObject({ kind: 'pending', keyVersion: 1 });
      await expect.poll(() => bob.messageCrypto().open(id, sealed)).toMatchObject({ kind: 'rejected', code: 'bad_signature' });

      const row = db.prepare('SELECT record FROM key_versions WHERE conversation_id = ? AND version = 1').get(id) as { record: string };
      const record = JSON.parse(row.record) as { createdAt: number };
      db.prepare('UPDATE key_versions SET record = ? WHERE conversation_id = ? AND version = 1').run(
        JSON.stringify({ ...record, createdAt: record.createdAt + 1 }),
        id,
      );
      await expect(carol.messageCrypto().seal(id, plaintext)).rejects.toMatchObject({ code: 'bad_signature' });
    } finally {
      db.close();
    }
    expect(await alice.messageCrypto().seal(id, plaintext)).toMatchObject({ keyVersion: 1 });
  });
});
