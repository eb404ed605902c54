/**
 * Scenario: a new install is post-quantum by default (docs/protocol.md §5.1). Alice and Bob register with
 * the client core: each device's certificate carries an X-Wing key, every wrap the key service holds for
 * their conversation is an X-Wing wrap (1,120-byte `enc`), the conversation reads as post-quantum
 * protected, and messages flow both ways under that key.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { XWING_CIPHERTEXT_LENGTH, XWING_PUBLIC_KEY_LENGTH } from '../../src/common/crypto/xwing';
import { cleanup, reads, registered, say, startWorld } from './harness';

afterEach(cleanup);

describe('a new install wraps post-quantum', () => {
  it('certificates carry an X-Wing key and every stored wrap is X-Wing', async () => {
    const world = await startWorld();
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const group = await alice.createConversation({ kind: 'group', name: 'pq', members: [bob.session().userId] });
    const id = group.conversationId;
    const db = new Database(join(world.serviceDir, 'keyservice.sqlite'), { readonly: true });
    try {
      const certs = db.prepare('SELECT certificate FROM devices').all() as { certificate: string }[];
      expect(certs).toHaveLength(2);
      for (const c of certs) expect(Buffer.from((JSON.parse(c.certificate) as { xwing: string }).xwing, 'base64url')).toHaveLength(XWING_PUBLIC_KEY_LENGTH);
      const wraps = db.prepare('SELECT wrap FROM key_wraps WHERE conversation_id = ?').all(id) as { wrap: string }[];
      expect(wraps).toHaveLength(2);
      for (const w of wraps) {
        const parsed = JSON.parse(w.wrap) as { suite?: string; enc: string };
        expect(parsed.suite).toBe('xwing');
        expect(Buffer.from(parsed.enc, 'base64url')).toHaveLength(XWING_CIPHERTEXT_LENGTH);
      }
    } finally {
      db.close();
    }
    expect(await alice.postQuantumStatus(group)).toBe('protected');
    await say(alice, id, 'hello after the quantum computer');
    expect(await reads(bob, id, ['hello after the quantum computer'])).toEqual(['hello after the quantum computer']);
    await say(bob, id, 'still private');
    expect(await reads(alice, id, ['hello after the quantum computer', 'still private'])).toContain('still private');
  });
});
