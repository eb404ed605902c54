/**
 * Two devices of one account back up the same key version at the same moment (both receive it from one
 * rotation): on PostgreSQL a check-then-insert let both through to the unique index and one answered 500
 * (seen in CI). Each insert is now one `INSERT … ON CONFLICT DO NOTHING`: exactly one is added, the other
 * is told it exists, nothing fails. Run on SQLite and PostgreSQL, many racing transactions at once.
 */
import { expect, it } from 'vitest';
import { openDatabase } from '../../src/server/index';
import { migrate } from '../../src/server/db/migrate';
import { insertEntry, insertRestoredWrap } from '../../src/server/store/keyBackups';
import { describeBackends, freshStore, type BackendName } from '../server/helpers/backends';

describeBackends('backup entries added at once do not collide', (backend: BackendName) => {
  it('16 racing inserts of one version: one added, none fails', { timeout: 60_000 }, async () => {
    const store = await freshStore(backend);
    const db = openDatabase(store);
    try {
      await migrate(db);
      await db.run('INSERT INTO users (id, username, display_name, password_hash, identity_key, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
        'user-race-0001',
        'race',
        'Race',
        'x',
        'k',
        1,
      ]);
      const entry = { userId: 'user-race-0001', backupVersion: 1, conversationId: 'conv-race-0001', keyVersion: 3, entry: 'e', createdAt: 1 };
      const added = await Promise.all(
        Array.from({ length: 16 }, (_, i) => db.transaction((tx) => insertEntry(tx, { ...entry, deviceId: `device-race-${String(i).padStart(4, '0')}` }))),
      );
      expect(added.filter(Boolean)).toHaveLength(1);
      const wrap = { userId: 'user-race-0001', deviceId: 'device-race-0000', conversationId: 'conv-race-0001', keyVersion: 3, wrap: 'w', createdAt: 1 };
      const wrapped = await Promise.all(Array.from({ length: 16 }, () => db.transaction((tx) => insertRestoredWrap(tx, wrap))));
      expect(wrapped.filter(Boolean)).toHaveLength(1);
    } finally {
      await db.close();
      store.cleanup();
    }
  });
});
