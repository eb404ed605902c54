/**
 * Files retention on the relay (docs/relay.md "Files", `filesRetentionSeconds`), as a PubNub keyset's Files
 * retention: the messenger's devices do not delete PubNub Files parts (docs/protocol.md §20.10), the
 * retention does. Through the real SDK, a file past the retention is no longer listed or downloadable (404);
 * the deep sweep's purge then removes its row and its bytes from disk, and leaves younger files. Without a
 * retention nothing expires.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/relay/store/database';
import { FileStore } from '../../src/relay/store/files';
import { cleanup, client, failure, startTestRelay } from './helpers';

afterEach(cleanup);

const CHANNEL = 'conv.retention-1';
const caps = { channelBytes: 1 << 20, keysetBytes: 1 << 20 };

describe('files expire after the keyset retention', () => {
  it('through the SDK: a file past the retention is neither listed nor downloadable', async () => {
    const relay = await startTestRelay({ limits: { filesRetentionSeconds: 1 } });
    const alice = client(relay, 'alice');
    const sent = await alice.sendFile({ channel: CHANNEL, file: { data: Buffer.alloc(1000, 7), name: 'part.bin', mimeType: 'application/octet-stream' } });
    expect((await alice.listFiles({ channel: CHANNEL })).count).toBe(1);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await alice.listFiles({ channel: CHANNEL })).count).toBe(0);
    expect((await failure(alice.downloadFile({ channel: CHANNEL, id: sent.id, name: 'part.bin' }))).statusCode).toBe(404);
  });

  it('the purge removes expired rows and bytes, keeps younger files, and does nothing without a retention', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-relay-retention-'));
    const db = openDatabase(dir);
    try {
      const store = new FileStore(db, dir, { ...caps, retentionMs: 60_000 });
      const old = { id: store.newId(), name: 'old' };
      const young = { id: store.newId(), name: 'young' };
      await store.save('sub', CHANNEL, old, Buffer.alloc(10, 1));
      const savedAt = Date.now();
      await store.save('sub', CHANNEL, young, Buffer.alloc(10, 2));
      db.prepare('UPDATE files SET created = ? WHERE id = ?').run(savedAt - 120_000, old.id);

      expect(await new FileStore(db, dir, { ...caps, retentionMs: 0 }).purgeExpired(savedAt)).toBe(0);
      expect(store.find('sub', CHANNEL, old.id, old.name, savedAt)).toBeUndefined();
      expect(await store.purgeExpired(savedAt)).toBe(1);
      expect(existsSync(join(store.directory, old.id))).toBe(false);
      expect(existsSync(join(store.directory, young.id))).toBe(true);
      expect(store.list('sub', CHANNEL, 10, 0n, savedAt).files.map((f) => f.name)).toEqual(['young']);
    } finally {
      db.close();
    }
  });
});
