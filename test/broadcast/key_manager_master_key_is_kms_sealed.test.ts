/**
 * Issue [custody], server secrets sealed by the KMS: the broadcast key manager's master key (which seals
 * every channel private key at rest) is stored only as KMS ciphertext, `master.key.kms`
 * (src/server/keyManager/sealedMasterKey.ts), with the local KMS and with AWS KMS (moto's real server,
 * TEST_MOTO_URL). A clear `master.key` of an older release is sealed and deleted, and what it sealed still
 * opens. Attacks: the data directory copied to a host with another KMS key opens nothing
 * (`key_manager_state`); a disabled AWS key stops the start (`kms_key_disabled`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateKeyCommand, DisableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { AwsKms, LocalKms, LOCAL_KMS_FILE } from '../../src/server/kms';
import { MasterKey } from '../../src/server/keyManager/masterKey';
import { loadSealedMasterKey } from '../../src/server/keyManager/sealedMasterKey';

const MOTO = process.env['TEST_MOTO_URL'];
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const region = 'eu-central-1';
const dir = () => mkdtempSync(path.join(tmpdir(), 'seed-km-sealed-'));

describe('the key manager master key is KMS ciphertext', { timeout: 30_000 }, () => {
  it('local KMS: created sealed, never written in clear, the same key at every start', async () => {
    const data = dir();
    const kms = LocalKms.open(path.join(data, LOCAL_KMS_FILE));
    const key = await loadSealedMasterKey(data, kms);
    expect(key.length).toBe(32);
    expect(existsSync(path.join(data, 'master.key'))).toBe(false);
    expect(readFileSync(path.join(data, 'master.key.kms')).includes(Buffer.from(key))).toBe(false);
    expect(await loadSealedMasterKey(data, LocalKms.open(path.join(data, LOCAL_KMS_FILE)))).toEqual(key);
  });

  it('a clear master.key of an older release is sealed and deleted; what it sealed still opens', async () => {
    const data = dir();
    const clear = randomBytes(32);
    writeFileSync(path.join(data, 'master.key'), clear, { mode: 0o600 });
    const sealedChannelKey = MasterKey.loadOrCreate(data).seal('ch-0000001', 1, new Uint8Array(32).fill(9));
    const key = await loadSealedMasterKey(data, LocalKms.open(path.join(data, LOCAL_KMS_FILE)));
    expect(Buffer.from(key).equals(clear)).toBe(true);
    expect(existsSync(path.join(data, 'master.key'))).toBe(false);
    expect(MasterKey.fromBytes(key).open('ch-0000001', 1, sealedChannelKey)).toEqual(new Uint8Array(32).fill(9));
  });

  it('attack: the data directory opened with another KMS key yields nothing (key_manager_state)', async () => {
    const data = dir();
    await loadSealedMasterKey(data, LocalKms.open(path.join(data, LOCAL_KMS_FILE)));
    const thief = LocalKms.open(path.join(dir(), LOCAL_KMS_FILE));
    await expect(loadSealedMasterKey(data, thief)).rejects.toMatchObject({ code: 'key_manager_state' });
    expect(existsSync(path.join(data, 'master.key'))).toBe(false);
  });

  it('AWS KMS (moto): sealed under the KMS key; a disabled key stops the start with kms_key_disabled', async () => {
    if (!MOTO) throw new Error('TEST_MOTO_URL is not set: run through scripts/with-services.sh (moto_server)');
    const client = new KMSClient({ region, endpoint: MOTO, credentials });
    const keyId = (await client.send(new CreateKeyCommand({ Description: 'seed key manager' }))).KeyMetadata!.KeyId!;
    const kms = new AwsKms({ keyId, region, endpoint: MOTO, credentials, stateTtlMs: 0 });
    const data = dir();
    const key = await loadSealedMasterKey(data, kms);
    expect(await loadSealedMasterKey(data, kms)).toEqual(key);
    // The local KMS of the same directory is another key: it opens nothing.
    await expect(loadSealedMasterKey(data, LocalKms.open(path.join(data, LOCAL_KMS_FILE)))).rejects.toMatchObject({ code: 'key_manager_state' });
    await client.send(new DisableKeyCommand({ KeyId: keyId }));
    await expect(loadSealedMasterKey(data, kms)).rejects.toMatchObject({ code: 'kms_key_disabled' });
  });
});
