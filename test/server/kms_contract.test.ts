/**
 * Issue [custody]: ONE contract suite for both KMS adapters (src/server/kms) — the embedded local KMS and
 * AWS KMS through `@aws-sdk/client-kms` against moto's real server (`moto_server`, started by
 * scripts/with-services.sh as TEST_MOTO_URL; not a mock of the SDK). Each case plays what an operator or an
 * attacker does: another context, an altered ciphertext, another key's ciphertext, a disabled key, bad
 * inputs; each is refused with a typed `KmsError` and nothing is produced.
 *
 * moto differs from real KMS in one place this suite covers: moto still decrypts under a disabled key. The
 * adapter asks the key's state before each use (DescribeKey), so the "disabled key" case shows the real
 * behaviour on both; the moto-only case below records moto's own answer so a change in moto is noticed.
 * A second difference: another key's ciphertext, decrypted with our KeyId pinned, is IncorrectKeyException
 * on real KMS and AccessDeniedException on moto (also what real KMS answers when IAM allows only our key);
 * the adapter maps both, on Decrypt, to `kms_decrypt_failed`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateKeyCommand, DecryptCommand, DisableKeyCommand, EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { AwsKms, KmsConfigError, LocalKms, type Kms, KMS_MAX_PLAINTEXT } from '../../src/server/kms';

const MOTO = process.env['TEST_MOTO_URL'];
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const region = 'eu-central-1';

function motoClient(): KMSClient {
  if (!MOTO) throw new Error('TEST_MOTO_URL is not set: run through scripts/with-services.sh (moto_server)');
  return new KMSClient({ region, endpoint: MOTO, credentials });
}

async function motoKey(): Promise<string> {
  const out = await motoClient().send(new CreateKeyCommand({ Description: 'seed contract test', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' }));
  return out.KeyMetadata!.KeyId!;
}

const motoKeyIds = new WeakMap<Kms, string>();

interface Adapter {
  readonly name: string;
  /** A fresh key. */
  make(): Promise<Kms>;
  disable(kms: Kms): Promise<void>;
  enable(kms: Kms): Promise<void>;
}

const adapters: Adapter[] = [
  {
    name: 'local',
    make: async () => LocalKms.open(path.join(mkdtempSync(path.join(tmpdir(), 'seed-kms-')), 'kms-master.key')),
    disable: async (kms) => (kms as LocalKms).setState('disabled'),
    enable: async (kms) => (kms as LocalKms).setState('enabled'),
  },
  {
    name: 'aws (moto)',
    make: async () => {
      const keyId = await motoKey();
      const kms = new AwsKms({ keyId, region, endpoint: MOTO!, credentials, stateTtlMs: 0 });
      motoKeyIds.set(kms, keyId);
      return kms;
    },
    disable: async (kms) => void (await motoClient().send(new DisableKeyCommand({ KeyId: motoKeyIds.get(kms) }))),
    enable: async (kms) => void (await motoClient().send(new EnableKeyCommand({ KeyId: motoKeyIds.get(kms) }))),
  },
];

const context = { purpose: 'seed-server-secret', name: 'jwt_hs256' };
const bytes = (text: string) => new TextEncoder().encode(text);

describe.each(adapters)('KMS contract: $name', { timeout: 30_000 }, (adapter) => {
  it('describes an enabled key with a stable id', async () => {
    const kms = await adapter.make();
    const first = await kms.describe();
    expect(first.state).toBe('enabled');
    expect(first.keyId.length).toBeGreaterThan(8);
    expect((await kms.describe()).keyId).toBe(first.keyId);
  });

  it('encrypts and decrypts under the same context; the ciphertext holds no plaintext', async () => {
    const kms = await adapter.make();
    const secret = bytes('a server secret of thirty-two b!');
    const sealed = await kms.encrypt(secret, context);
    expect(Buffer.from(sealed).includes(Buffer.from(secret))).toBe(false);
    expect(await kms.decrypt(sealed, context)).toEqual(secret);
  });

  it('makes a 32-byte data key whose ciphertext decrypts to it', async () => {
    const kms = await adapter.make();
    const key = await kms.generateDataKey({ purpose: 'conversation', conversation: 'c-0001' });
    expect(key.plaintext.length).toBe(32);
    expect(await kms.decrypt(key.ciphertext, { purpose: 'conversation', conversation: 'c-0001' })).toEqual(key.plaintext);
    const again = await kms.generateDataKey({ purpose: 'conversation', conversation: 'c-0001' });
    expect(Buffer.from(again.plaintext).equals(Buffer.from(key.plaintext))).toBe(false);
  });

  it('refuses another context (a ciphertext moved to another purpose)', async () => {
    const kms = await adapter.make();
    const sealed = await kms.encrypt(bytes('secret'), context);
    await expect(kms.decrypt(sealed, { ...context, name: 'scim_token' })).rejects.toMatchObject({ code: 'kms_decrypt_failed', category: 'crypto' });
    await expect(kms.decrypt(sealed, { purpose: 'seed-server-secret' })).rejects.toMatchObject({ code: 'kms_decrypt_failed' });
  });

  it('refuses an altered ciphertext', async () => {
    const kms = await adapter.make();
    const sealed = await kms.encrypt(bytes('secret'), context);
    const altered = Uint8Array.from(sealed);
    altered[altered.length - 1]! ^= 1;
    await expect(kms.decrypt(altered, context)).rejects.toMatchObject({ code: 'kms_decrypt_failed' });
  });

  it("refuses another key's ciphertext", async () => {
    const kms = await adapter.make();
    const other = await adapter.make();
    const sealed = await other.encrypt(bytes('secret'), context);
    await expect(kms.decrypt(sealed, context)).rejects.toMatchObject({ code: 'kms_decrypt_failed' });
  });

  it('a disabled key encrypts and decrypts nothing, until enabled again', async () => {
    const kms = await adapter.make();
    const sealed = await kms.encrypt(bytes('secret'), context);
    await adapter.disable(kms);
    expect((await kms.describe()).state).toBe('disabled');
    await expect(kms.decrypt(sealed, context)).rejects.toMatchObject({ code: 'kms_key_disabled', category: 'unavailable' });
    await expect(kms.encrypt(bytes('more'), context)).rejects.toMatchObject({ code: 'kms_key_disabled' });
    await expect(kms.generateDataKey(context)).rejects.toMatchObject({ code: 'kms_key_disabled' });
    await adapter.enable(kms);
    expect(await kms.decrypt(sealed, context)).toEqual(bytes('secret'));
  });

  it('refuses bad inputs with kms_config before asking the KMS', async () => {
    const kms = await adapter.make();
    await expect(kms.encrypt(bytes('x'), {})).rejects.toBeInstanceOf(KmsConfigError);
    await expect(kms.encrypt(bytes('x'), { 'bad name': 'v' })).rejects.toMatchObject({ code: 'kms_config' });
    await expect(kms.encrypt(bytes('x'), { name: 'é' })).rejects.toMatchObject({ code: 'kms_config' });
    await expect(kms.encrypt(new Uint8Array(0), context)).rejects.toMatchObject({ code: 'kms_config' });
    await expect(kms.encrypt(new Uint8Array(KMS_MAX_PLAINTEXT + 1), context)).rejects.toMatchObject({ code: 'kms_config' });
    await expect(kms.decrypt(new Uint8Array(0), context)).rejects.toMatchObject({ code: 'kms_decrypt_failed' });
  });
});

describe('KMS adapters: what only one of them has', { timeout: 30_000 }, () => {
  it('local: a master key file of the wrong length is refused at open (kms_config)', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'seed-kms-')), 'kms-master.key');
    writeFileSync(file, Buffer.alloc(31));
    expect(() => LocalKms.open(file)).toThrow(KmsConfigError);
  });

  it('local: a second open of the same file is the same key (instances sharing a database share the file)', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'seed-kms-')), 'kms-master.key');
    const sealed = await LocalKms.open(file).encrypt(bytes('secret'), context);
    expect(await LocalKms.open(file).decrypt(sealed, context)).toEqual(bytes('secret'));
  });

  it('aws: an unreachable KMS is kms_unavailable', async () => {
    const kms = new AwsKms({ keyId: 'alias/seed', region, endpoint: 'http://127.0.0.1:9', credentials });
    await expect(kms.encrypt(bytes('secret'), context)).rejects.toMatchObject({ code: 'kms_unavailable', category: 'unavailable' });
  });

  it('aws: a key id the account does not have is kms_config', async () => {
    const kms = new AwsKms({ keyId: '00000000-0000-0000-0000-000000000000', region, endpoint: MOTO!, credentials });
    await expect(kms.describe()).rejects.toMatchObject({ code: 'kms_config' });
  });

  it('moto, unlike real KMS, still decrypts under a disabled key (why the adapter checks the state itself)', async () => {
    const keyId = await motoKey();
    const kms = new AwsKms({ keyId, region, endpoint: MOTO!, credentials, stateTtlMs: 0 });
    const sealed = await kms.encrypt(bytes('secret'), context);
    await motoClient().send(new DisableKeyCommand({ KeyId: keyId }));
    const raw = await motoClient()
      .send(new DecryptCommand({ KeyId: keyId, CiphertextBlob: sealed, EncryptionContext: context }))
      .then(
        () => 'decrypted',
        (err: { name?: string }) => err.name ?? 'error',
      );
    // Real KMS answers DisabledException. If moto starts doing so too, this line tells; the adapter is right either way.
    expect(['decrypted', 'DisabledException']).toContain(raw);
    await expect(kms.decrypt(sealed, context)).rejects.toMatchObject({ code: 'kms_key_disabled' });
  });
});
