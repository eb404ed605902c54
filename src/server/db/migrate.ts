/**
 * Runs the pending migrations of db/schema.ts. On PostgreSQL a transaction-scoped advisory lock makes
 * concurrent instances starting against one database apply each migration exactly once.
 */
import type { Database } from './db';
import { assertDistinctVersions, MIGRATIONS } from './schema';

const LOCK_ID = 5_000_005;

/** Applies every migration newer than the database's; returns the versions applied. */
export async function migrate(db: Database): Promise<number[]> {
  assertDistinctVersions(MIGRATIONS);
  await db.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.one('SELECT pg_advisory_xact_lock(?)', [LOCK_ID]);
    await tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
  });
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    const done = await db.transaction(async (tx) => {
      if (tx.dialect === 'postgres') await tx.one('SELECT pg_advisory_xact_lock(?)', [LOCK_ID]);
      const row = await tx.one('SELECT version FROM schema_migrations WHERE version = ?', [migration.version]);
      if (row) return false;
      for (const statement of migration.statements) await tx.run(statement);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, Date.now()]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}
