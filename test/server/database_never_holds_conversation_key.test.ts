/**
 * Zero-trust check (docs/operations.md, "Key material that exists server-side": the database files hold
 * no conversation key): after a full create / rotate / add / remove / rotate flow, the bytes of the database
 * — SQLite's file, WAL and shared memory; PostgreSQL's data directory after a checkpoint, plus every
 * row dumped as JSON — contain none of the conversation keys in raw, hex, base64 or base64url form,
 * while they do contain the public wrap ciphertexts (so the scan is looking at the right bytes).
 *
 * Custody modes (issue [custody], docs/threat-model.md "Custody modes"): once the organisation is switched
 * to escrow, the key service with its KMS — every escrow recipient unsealed, every stored wrap tried with
 * it — still opens none of the versions made in zero-trust mode, while it does open the version made
 * after the switch (so the check can fail). Switched on to server-trusted (docs/threat-model.md
 * "Server-trusted mode"), the key service makes the next version with its KMS: the database holds that key
 * only as KMS ciphertext (no form of the key in any file or row, while the ciphertext is there), and only
 * the KMS opens it to the very key the member device received (so the check can fail).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import {
  buildRecord,
  changeMembership,
  createGroup,
  crypto,
  device,
  devicesOf,
  headOf,
  memberDevicesOf,
  newActor,
  rotate,
  wrapsFor,
  type Actor,
} from './helpers/actors';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { openEscrowWrap, sealEscrowWrap } from '../../src/common/protocol/escrowWrap';
import { openServerKeyWrap } from '../../src/common/protocol/serverKeyWrap';
import type { KeyWrap } from '../../src/common/protocol/keyWrap';
import { unwrapKey } from '../../src/common/protocol/keyWrap';
import type { ConversationId, DeviceId } from '../../src/common/ids';
import { runAdmin } from '../../src/server/adminCli';
import { openDatabase } from '../../src/server/index';
import { LocalKms, LOCAL_KMS_FILE } from '../../src/server/kms';
import { startOn, type Running } from './helpers/service';

function forms(key: Uint8Array): Buffer[] {
  const b = Buffer.from(key);
  return [
    b,
    Buffer.from(b.toString('hex')),
    Buffer.from(b.toString('hex').toUpperCase()),
    Buffer.from(b.toString('base64')),
    Buffer.from(b.toString('base64url')),
  ];
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

describeBackends('the database never holds a conversation key', (backend) => {
  let run: Running;
  const keys: Uint8Array[] = [];
  let someWrapCt = '';
  let alice: Actor;
  let conversationId: ConversationId;

  beforeAll(async () => {
    run = await startOn(backend);
    alice = await newActor(run.api, 'alice', 2);
    const bob = await newActor(run.api, 'bob');
    const carol = await newActor(run.api, 'carol');
    const conv = await createGroup(run.api, alice, [bob]);
    conversationId = conv;
    const v1 = await rotate(run.api, alice, conv, 1);
    const v2 = await rotate(run.api, bob, conv, 2);
    keys.push(v1.key, v2.key);
    someWrapCt = v2.record.wraps[0]!.ct;
    const wraps = await wrapsFor(
      conv,
      [
        { version: 1, key: v1.key },
        { version: 2, key: v2.key },
      ],
      await devicesOf(run.api, alice.userToken, carol.userId),
      device(alice),
    );
    await changeMembership(run.api, alice, conv, { type: 'add', userId: carol.userId, role: 'member' }, { wraps });
    await changeMembership(run.api, alice, conv, { type: 'remove', userId: bob.userId });
    keys.push((await rotate(run.api, alice, conv, 3, 1)).key);
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  async function databaseBytes(): Promise<Buffer[]> {
    if (!run.store.databaseUrl) {
      // Every file under the data directory, its folders too (the key manager's, the KMS-sealed secrets).
      return readdirSync(run.store.dataDir, { recursive: true, encoding: 'utf8' })
        .map((f) => path.join(run.store.dataDir, f))
        .filter((f) => statSync(f).isFile())
        .map((f) => readFileSync(f));
    }
    const client = new pg.Client({ connectionString: run.store.databaseUrl });
    await client.connect();
    try {
      await client.query('CHECKPOINT');
      const dataDir = (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
      const dbOid = (await client.query<{ oid: number }>('SELECT oid FROM pg_database WHERE datname = current_database()')).rows[0]!.oid;
      const tables = (await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows.map((r) => r.tablename);
      const dumps: Buffer[] = [];
      for (const t of tables) dumps.push(Buffer.from(JSON.stringify((await client.query(`SELECT row_to_json(x) AS j FROM "${t}" x`)).rows)));
      const files = [
        ...filesUnder(path.join(dataDir, 'base', String(dbOid))),
        ...filesUnder(path.join(dataDir, 'pg_wal')).filter((f) => !f.includes('archive_status')),
      ];
      return [...dumps, ...files.map((f) => readFileSync(f))];
    } finally {
      await client.end();
    }
  }

  it('finds no conversation key in any form, but does find the wraps and argon2id hashes', async () => {
    const blobs = await databaseBytes();
    expect(blobs.length).toBeGreaterThan(0);
    for (const key of keys) {
      for (const form of forms(key)) {
        for (const blob of blobs) expect(blob.includes(form)).toBe(false);
      }
    }
    expect(blobs.some((b) => b.includes(Buffer.from(someWrapCt)))).toBe(true);
    expect(blobs.some((b) => b.includes(Buffer.from('$argon2id$')))).toBe(true);
    expect(blobs.some((b) => b.includes(Buffer.from('correct horse battery staple')))).toBe(false);
  });

  it('custody: with the KMS, the key service opens no version made in zero-trust mode, but does open one made after escrow', async () => {
    const store = ['--data', run.store.dataDir, ...(run.store.databaseUrl ? ['--database-url', run.store.databaseUrl] : [])];
    await runAdmin([...store, 'custody', 'escrow', '--reason', 'scan'], {}, 'cli:scan');
    const custody = (await run.api.get<{ recipient: { publicKey: string } }>('/v1/custody', alice.userToken)).body;
    const creator = device(alice);
    const { record, conversationKey } = await buildRecord(
      creator,
      conversationId,
      4,
      await memberDevicesOf(run.api, alice, conversationId),
      await headOf(run.api, alice, conversationId),
    );
    const escrow = await sealEscrowWrap(crypto, {
      conversationId,
      version: 4,
      recipientPublicKey: fromBase64Url(custody.recipient.publicKey),
      key: conversationKey,
    });
    expect((await run.api.post(`/v1/conversations/${conversationId}/versions`, { record, escrow }, creator.token)).status).toBe(201);

    // Everything the key service and its KMS can open.
    const kms = LocalKms.open(path.join(run.store.dataDir, LOCAL_KMS_FILE));
    const db = openDatabase(run.store);
    const opened: Buffer[] = [];
    try {
      const recipients = await db.all<{ id: string; public_key: string; sealed_private_key: string }>(
        'SELECT id, public_key, sealed_private_key FROM escrow_recipients',
      );
      const escrowWraps = await db.all<{ conversation_id: string; version: number; wrap: string }>('SELECT conversation_id, version, wrap FROM escrow_wraps');
      const deviceWraps = await db.all<{ conversation_id: string; version: number; device_id: string; wrap: string }>(
        'SELECT conversation_id, version, device_id, wrap FROM key_wraps',
      );
      expect(recipients.length).toBe(1);
      expect(deviceWraps.length).toBeGreaterThan(0);
      for (const r of recipients) {
        const privateKey = await kms.decrypt(fromBase64Url(r.sealed_private_key), { purpose: 'seed-escrow-recipient', recipient: r.id });
        const publicKey = fromBase64Url(r.public_key);
        const attempts = [
          ...escrowWraps.map(
            (w) => () =>
              openEscrowWrap(crypto, {
                conversationId: w.conversation_id,
                version: Number(w.version),
                wrap: { recipient: r.id, ...(JSON.parse(w.wrap) as { enc: string; ct: string }) },
                privateKey,
                publicKey,
              }),
          ),
          ...deviceWraps.map(
            (w) => () =>
              unwrapKey(crypto, {
                purpose: 'conversation',
                scopeId: w.conversation_id,
                version: Number(w.version),
                wrap: { deviceId: w.device_id as DeviceId, ...(JSON.parse(w.wrap) as { enc: string; ct: string }) },
                deviceId: w.device_id as DeviceId,
                privateKey,
              }),
          ),
        ];
        for (const attempt of attempts) {
          const key = await attempt().catch(() => undefined);
          if (key) opened.push(Buffer.from(key));
        }
      }
    } finally {
      await db.close();
    }
    for (const key of keys)
      expect(
        opened.some((k) => k.equals(Buffer.from(key))),
        'a zero-trust version opened with the KMS',
      ).toBe(false);
    expect(
      opened.some((k) => k.equals(Buffer.from(conversationKey))),
      'the escrowed version opens (the check can fail)',
    ).toBe(true);
  });
  it('server-trusted: the database holds the server-made key only as KMS ciphertext, which only the KMS opens', async () => {
    const store = ['--data', run.store.dataDir, ...(run.store.databaseUrl ? ['--database-url', run.store.databaseUrl] : [])];
    await runAdmin([...store, 'custody', 'server-trusted', '--reason', 'scan'], {}, 'cli:scan');
    const creator = device(alice);
    const made = await run.api.post<{ version: number }>(`/v1/conversations/${conversationId}/server-keys`, undefined, creator.token);
    expect(made.status).toBe(201);
    const version = made.body.version;
    const served = await run.api.get<{ wrap: KeyWrap }>(`/v1/conversations/${conversationId}/server-keys/${version}`, creator.token);
    expect(served.status).toBe(200);
    const key = await openServerKeyWrap(crypto, {
      conversationId,
      version,
      wrap: served.body.wrap,
      deviceId: creator.deviceId,
      privateKey: creator.keys.x25519.privateKey,
    });

    const blobs = await databaseBytes();
    for (const form of forms(key)) for (const blob of blobs) expect(blob.includes(form)).toBe(false);
    const db = openDatabase(run.store);
    const rows = await db
      .all<{ kms_ciphertext: string }>('SELECT kms_ciphertext FROM server_key_versions WHERE conversation_id = ? AND version = ?', [conversationId, version])
      .finally(() => db.close());
    expect(rows.length).toBe(1);
    expect(blobs.some((b) => b.includes(Buffer.from(rows[0]!.kms_ciphertext)))).toBe(true);
    const kms = LocalKms.open(path.join(run.store.dataDir, LOCAL_KMS_FILE));
    const opened = await kms.decrypt(fromBase64Url(rows[0]!.kms_ciphertext), {
      purpose: 'seed-conversation-key',
      conversation: conversationId,
      version: String(version),
    });
    expect(Buffer.from(opened).equals(Buffer.from(key)), 'the KMS opens the stored ciphertext to the served key (the check can fail)').toBe(true);
  });
});
