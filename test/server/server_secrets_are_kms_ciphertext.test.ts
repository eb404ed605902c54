/**
 * Issue [custody], server secrets sealed by the KMS: the access-token signing secret is stored only as KMS
 * ciphertext (server_secrets row `jwt_hs256.kms`), on SQLite and PostgreSQL, with the local KMS and with AWS
 * KMS (moto's real server, TEST_MOTO_URL). Attacks: a copied database started elsewhere (without the KMS key)
 * is refused with `server_secret_sealed_elsewhere` and issues no token; a disabled KMS key stops the start
 * (`kms_key_disabled`). A clear secret left by an older release is sealed at the next start and removed,
 * and tokens signed with it still verify.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateKeyCommand, DisableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { expect, it } from 'vitest';
import { openDatabase, startKeyService, type KeyServiceOptions } from '../../src/server/index';
import { migrate } from '../../src/server/db/migrate';
import { AwsKms, LocalKms, LOCAL_KMS_FILE, type Kms } from '../../src/server/kms';
import { newActor } from './helpers/actors';
import { describeBackends, freshStore, type BackendName } from './helpers/backends';
import { Api } from './helpers/client';

const CONTEXT = { purpose: 'seed-server-secret', name: 'jwt_hs256' };
const MOTO = process.env['TEST_MOTO_URL'];
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const region = 'eu-central-1';

async function motoKms(): Promise<{ kms: AwsKms; keyId: string }> {
  if (!MOTO) throw new Error('TEST_MOTO_URL is not set: run through scripts/with-services.sh (moto_server)');
  const client = new KMSClient({ region, endpoint: MOTO, credentials });
  const keyId = (await client.send(new CreateKeyCommand({ Description: 'seed server secrets' }))).KeyMetadata!.KeyId!;
  return { kms: new AwsKms({ keyId, region, endpoint: MOTO, credentials, stateTtlMs: 0 }), keyId };
}

async function secretRows(store: { dataDir: string; databaseUrl?: string }): Promise<{ name: string; value: string }[]> {
  const db = openDatabase(store);
  try {
    return await db.all<{ name: string; value: string }>('SELECT name, value FROM server_secrets ORDER BY name');
  } finally {
    await db.close();
  }
}

function options(store: { dataDir: string; databaseUrl?: string }, extra: Partial<KeyServiceOptions> = {}): KeyServiceOptions {
  return { port: 0, dataDir: store.dataDir, ...(store.databaseUrl ? { databaseUrl: store.databaseUrl } : {}), ...extra };
}

/** Starts, registers one person (a token is issued and used), stops. */
async function startAndUse(opts: KeyServiceOptions, label: string): Promise<void> {
  const service = await startKeyService(opts);
  try {
    await newActor(new Api(service.url), label);
  } finally {
    await service.close();
  }
}

describeBackends('server secrets are KMS ciphertext', (backend: BackendName) => {
  it('local KMS: only the sealed secret is stored; the key file is not in the database', { timeout: 60_000 }, async () => {
    const store = await freshStore(backend);
    try {
      await startAndUse(options(store), 'ada');
      const rows = await secretRows(store);
      expect(rows.map((r) => r.name)).toEqual(['jwt_hs256.kms']);
      const kms = LocalKms.open(path.join(store.dataDir, LOCAL_KMS_FILE));
      const secret = await kms.decrypt(Buffer.from(rows[0]!.value, 'base64url'), CONTEXT);
      expect(secret.length).toBe(32);
      if (backend === 'sqlite') {
        const file = readFileSync(path.join(store.dataDir, 'keyservice.sqlite'));
        expect(file.includes(Buffer.from(secret))).toBe(false);
        expect(file.includes(Buffer.from(Buffer.from(secret).toString('base64url')))).toBe(false);
        expect(file.includes(readFileSync(path.join(store.dataDir, LOCAL_KMS_FILE)))).toBe(false);
      }
      // A restart opens the same secret: tokens stay valid across restarts.
      await startAndUse(options(store), 'grace');
      expect((await secretRows(store)).map((r) => r.value)).toEqual([rows[0]!.value]);
    } finally {
      store.cleanup();
    }
  });

  it('attack: the database copied to a host without the KMS key is refused and issues no token', { timeout: 60_000 }, async () => {
    const store = await freshStore(backend);
    const thief = mkdtempSync(path.join(tmpdir(), 'ks-thief-'));
    try {
      await startAndUse(options(store), 'ada');
      if (backend === 'sqlite') copyFileSync(path.join(store.dataDir, 'keyservice.sqlite'), path.join(thief, 'keyservice.sqlite'));
      const elsewhere = { dataDir: thief, ...(store.databaseUrl ? { databaseUrl: store.databaseUrl } : {}) };
      await expect(startKeyService(options(elsewhere))).rejects.toMatchObject({ code: 'server_secret_sealed_elsewhere', category: 'unavailable' });
      // Nothing changed: the stored secret is the one sealed before.
      expect((await secretRows(store)).map((r) => r.name)).toEqual(['jwt_hs256.kms']);
    } finally {
      store.cleanup();
    }
  });

  it('a clear secret of an older release is sealed at the next start and removed', { timeout: 60_000 }, async () => {
    const store = await freshStore(backend);
    try {
      const db = openDatabase(store);
      const old = Buffer.alloc(32, 7).toString('base64url');
      try {
        await migrate(db);
        await db.run('INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?)', ['jwt_hs256', old, 1]);
      } finally {
        await db.close();
      }
      await startAndUse(options(store), 'ada');
      const rows = await secretRows(store);
      expect(rows.map((r) => r.name)).toEqual(['jwt_hs256.kms']);
      const kms = LocalKms.open(path.join(store.dataDir, LOCAL_KMS_FILE));
      // The same secret, so every token signed before the upgrade still verifies.
      expect(Buffer.from(await kms.decrypt(Buffer.from(rows[0]!.value, 'base64url'), CONTEXT)).toString('base64url')).toBe(old);
    } finally {
      store.cleanup();
    }
  });

  it('AWS KMS (moto): sealed under the KMS key; a disabled key stops the start with kms_key_disabled', { timeout: 60_000 }, async () => {
    const store = await freshStore(backend);
    try {
      const { kms, keyId } = await motoKms();
      await startAndUse(options(store, { kms }), 'ada');
      const rows = await secretRows(store);
      expect(rows.map((r) => r.name)).toEqual(['jwt_hs256.kms']);
      expect((await kms.decrypt(Buffer.from(rows[0]!.value, 'base64url'), CONTEXT)).length).toBe(32);
      // The local KMS of the same data directory cannot open it: another key.
      const local: Kms = LocalKms.open(path.join(store.dataDir, LOCAL_KMS_FILE));
      await expect(local.decrypt(Buffer.from(rows[0]!.value, 'base64url'), CONTEXT)).rejects.toMatchObject({ code: 'kms_decrypt_failed' });
      await new KMSClient({ region, endpoint: MOTO!, credentials }).send(new DisableKeyCommand({ KeyId: keyId }));
      await expect(startKeyService(options(store, { kms }))).rejects.toMatchObject({ code: 'kms_key_disabled' });
    } finally {
      store.cleanup();
    }
  });
});
