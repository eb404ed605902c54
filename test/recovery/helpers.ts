/**
 * Helpers of the recovery scenarios (docs/protocol.md §18): a world on the suite's backend, an error's
 * code, and a scan of every row the key service stores, as text.
 */
import type { Client } from '../../src/client/client';
import { openDatabase, type KeyServiceOptions } from '../../src/server/index';
import { startWorld as startWorldOn, type World } from '../client/harness';
import { freshPostgresDatabase, type BackendName } from '../server/helpers/backends';

export const worldOn = async (backend: BackendName, service?: Partial<KeyServiceOptions>): Promise<World> =>
  startWorldOn({ ...(backend === 'postgres' ? { databaseUrl: await freshPostgresDatabase() } : {}), ...(service ? { service } : {}) });

/** A key-service clock that tests move forward instead of sleeping (the `now` option). */
export function testClock(): { now: () => number; advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      offset += ms;
    },
  };
}

/** The code of what `promise` rejects with (fails the test when it resolves). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  throw new Error('expected a refusal, got success');
}

/** Every row of every table of the world's key-service database, as one text (JSON per row). */
export async function dumpDatabase(world: World): Promise<string> {
  const db = openDatabase({ dataDir: world.serviceDir, ...(world.databaseUrl ? { databaseUrl: world.databaseUrl } : {}) });
  try {
    const tables =
      db.dialect === 'postgres'
        ? await db.all<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'")
        : await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'");
    const parts: string[] = [];
    for (const { name } of tables) {
      for (const row of await db.all(`SELECT * FROM ${name}`)) parts.push(`${name}: ${JSON.stringify(row)}`);
    }
    return parts.join('\n');
  } finally {
    await db.close();
  }
}

export const userIdOf = (c: Client) => c.session().userId;

/**
 * Whether `secret` appears in the dump: as text, or inside any base64url or hex token (decoded, so a
 * secret stored as part of a longer field is found too).
 */
export function dumpHolds(dump: string, secret: Uint8Array): boolean {
  const needle = Buffer.from(secret);
  for (const token of dump.match(/[A-Za-z0-9_-]{16,}/g) ?? []) {
    if (Buffer.from(token, 'base64url').includes(needle)) return true;
    // Every alignment of the secret inside a longer base64url field.
    for (let shift = 1; shift < 4 && shift < token.length; shift++) {
      if (Buffer.from(token.slice(shift), 'base64url').includes(needle)) return true;
    }
    if (/^[0-9a-f]+$/i.test(token) && Buffer.from(token.length % 2 ? token.slice(1) : token, 'hex').includes(needle)) return true;
  }
  return false;
}
