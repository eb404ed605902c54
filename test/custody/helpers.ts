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
import type { Client } from '../../src/client/client';
import type { CustodyMode } from '../../src/common/api/custodySchemas';
import { createKeyVersionRecord } from '../../src/common/protocol/keyVersionRecord';
import { apiOf, newClient, PASSWORD, provider, PUB, SECRET, signedInOf, SUB, uniqueName, type World } from '../client/harness';

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

/** A client whose organisation's managed policy names a custody mode (docs/protocol.md §19.4), registered. */
export async function pinnedClient(world: World, label: string, custodyModePin: CustodyMode): Promise<Client> {
  const client = await newClient(world, `${label}'s device`, { custodyModePin });
  await client.register({ username: uniqueName(label), password: PASSWORD, displayName: label });
  return client;
}

/** The server-made key versions of a conversation, as the key service's database holds them. */
export function serverKeyRows(world: World, conversationId: string) {
  return withDb(world, (db) =>
    db.all<{ version: number; kms_ciphertext: string; kms_kind: string; kms_key_id: string; created_at: number; membership_seq: number | null }>(
      'SELECT version, kms_ciphertext, kms_kind, kms_key_id, created_at, membership_seq FROM server_key_versions WHERE conversation_id = ? ORDER BY version',
      [conversationId],
    ),
  );
}

/** The KMS calls of server-trusted custody, by operation, from kms_audit. */
export async function serverKeyKmsCalls(world: World): Promise<{ generate: number; decrypt: number }> {
  const rows = await withDb(world, (db) => db.all<{ operation: string }>("SELECT operation FROM kms_audit WHERE purpose LIKE 'server-key.%'"));
  return { generate: rows.filter((r) => r.operation === 'generate_data_key').length, decrypt: rows.filter((r) => r.operation === 'decrypt').length };
}

/** A fresh path for an export file. */
export function exportPath(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'seed-export-')), 'export.json');
}

/**
 * The next key-version record of a conversation as `client`'s device would make it (every member device
 * wrapped to, X-Wing where its certificate has the key), for submissions a test shapes itself.
 */
export async function deviceRecord(client: Client, conversationId: string, version: number) {
  const parts = signedInOf(client);
  const view = await apiOf(client).request('getConversation', { params: { conversationId: conversationId as never } });
  const byUser = await parts.directory.devicesOfMany(view.members.map((m) => m.userId));
  const { record, conversationKey } = await createKeyVersionRecord(provider, {
    conversationId: conversationId as never,
    version,
    createdAt: Date.now(),
    createdByDevice: parts.identity.deviceId,
    signingPrivateKey: parts.identity.device.ed25519.privateKey,
    recipients: [...byUser.values()].flat().map((d) => ({ deviceId: d.deviceId, x25519PublicKey: d.x25519, ...(d.xwing ? { xwingPublicKey: d.xwing } : {}) })),
    ...(view.membershipHead !== null ? { membership: view.membershipHead } : {}),
  });
  return { record, conversationKey };
}
