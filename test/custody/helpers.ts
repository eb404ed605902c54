/**
 * Helpers of the custody scenarios (issue [custody]; docs/protocol.md §19): the admin CLI run against a
 * world's key-service store as a named operator, the PubNub settings the export reads history with, and
 * direct reads of the custody tables.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAdmin } from '../../src/server/adminCli';
import { openDatabase } from '../../src/server/index';
import type { Kms } from '../../src/server/kms';
import type { Database } from '../../src/server/db/db';
import { PUB, SECRET, SUB, type World } from '../client/harness';

/** Runs `admin custody …` on the world's store as `actor` (an operator: `cli:<os user>`). */
export function custodyAdmin(world: World, actor: string, kms?: Kms) {
  const env = {
    PUBNUB_ORIGIN: world.relay.origin,
    PUBNUB_SECRET_KEY: SECRET,
    PUBNUB_PUBLISH_KEY: PUB,
    PUBNUB_SUBSCRIBE_KEY: SUB,
  };
  const store = ['--data', world.serviceDir, ...(world.databaseUrl ? ['--database-url', world.databaseUrl] : [])];
  return <T = Record<string, unknown>>(...args: string[]): Promise<T> => runAdmin([...store, 'custody', ...args], env, actor, kms ? { kms } : {}) as Promise<T>;
}

/** Opens the world's key-service database (closed by the caller). */
export function worldDb(world: World): Database {
  return openDatabase({ dataDir: world.serviceDir, ...(world.databaseUrl ? { databaseUrl: world.databaseUrl } : {}) });
}

export async function withDb<T>(world: World, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = worldDb(world);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** A fresh path for an export file. */
export function exportPath(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'seed-export-')), 'export.json');
}
