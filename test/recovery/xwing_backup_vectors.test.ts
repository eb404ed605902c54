/**
 * `test/vectors/xwing-recovery.json` (docs/protocol.md §18.10) replayed from the file alone. On each
 * provider: the recovery key text gives the X-Wing backup key; the descriptor v2, the device header (its
 * encapsulation derived from the device key, so the same header is made again after a restart) and the
 * entry v2 are rebuilt byte for byte, verified and opened; the refused headers and entries fail with their
 * codes. Then the independent implementation — `@hpke/core` + `@hpke/hybridkem-x-wing` for HPKE X-Wing,
 * `node:crypto` for HKDF and AES-256-GCM, and a Crockford base32 reader written here — opens the entry to
 * the conversation key from the recovery key text alone.
 */
import { createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { Aes256Gcm, CipherSuite, HkdfSha256 } from '@hpke/core';
import { XWing } from '@hpke/hybridkem-x-wing';
import { describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import {
  backupDescriptorSigningInput,
  backupEntrySigningInput,
  backupHeaderSigningInput,
  createBackupEntryV2,
  createBackupHeader,
  deriveRecoveryKeys,
  openBackupEntryV2,
  openBackupHeader,
  openIdentityBlob,
  parseRecoveryKey,
  verifyBackupDescriptor,
  verifyBackupEntry,
  verifyBackupHeader,
  type BackupDescriptor,
  type BackupEntryV2,
  type BackupHeader,
} from '../../src/common/protocol/recovery';
import { allCryptoProviders } from '../../src/node/crypto/providers';
import file from '../vectors/xwing-recovery.json';

const providers = allCryptoProviders().map((c) => [c.name, c.provider] as const);
const [desktop, laptop] = [file.devices[0]!, file.devices[1]!];
const signers = new Map(file.devices.map((d) => [d.deviceId, fromHex(d.ed25519.publicKey)]));
const expectHeader = { userId: file.userId, backupVersion: 3, deviceEd25519: (id: string) => signers.get(id) };

describe.each(providers)('X-Wing backup vectors, %s provider', (_name, provider) => {
  it('the recovery key text gives the X-Wing backup key; the descriptor v2 verifies under the account key', async () => {
    const key = await parseRecoveryKey(provider, file.recoveryKey.text);
    expect(toHex(key)).toBe(file.recoveryKey.hex);
    const keys = await deriveRecoveryKeys(provider, key, file.userId);
    expect(toHex(keys.backupXWing.privateKey)).toBe(file.derived.backupXWing.privateKey);
    expect(toHex(keys.backupXWing.publicKey)).toBe(file.derived.backupXWing.publicKey);
    const d = await verifyBackupDescriptor(provider, file.descriptor.value, { userId: file.userId, accountKey: fromHex(file.account.publicKey) });
    expect(toHex(backupDescriptorSigningInput(d))).toBe(file.descriptor.signingInput);
    expect(d).toMatchObject({ v: 2, suite: 'xwing', legacy: { backupVersion: 2 } });
    expect(toHex(fromBase64Url(d.backupKey))).toBe(file.derived.backupXWing.publicKey);
    expect(await openIdentityBlob(provider, d, keys)).toHaveLength(32);
  });

  it('the header is made again byte for byte from the device key, and decapsulates to its secret', async () => {
    const d = file.descriptor.value as BackupDescriptor;
    // From the device's Ed25519 seed alone (a restarted device makes the same header, signature included).
    const made = await createBackupHeader(provider, {
      userId: file.userId,
      descriptor: d,
      deviceId: desktop.deviceId,
      signingPrivateKey: fromHex(desktop.ed25519.privateKey),
    });
    expect(made.header).toEqual(file.header.value);
    expect(toHex(made.secret)).toBe(file.header.secret);
    const fromEseed = await createBackupHeader(provider, {
      userId: file.userId,
      descriptor: d,
      deviceId: desktop.deviceId,
      signingPrivateKey: new Uint8Array(32),
      eseed: fromHex(file.header.eseed),
    });
    expect(fromEseed.header.enc).toBe(file.header.value.enc);
    expect(toHex(fromEseed.secret)).toBe(file.header.secret);
    const h = await verifyBackupHeader(provider, file.header.value, expectHeader);
    expect(toHex(backupHeaderSigningInput(h))).toBe(file.header.signingInput);
    const keys = { privateKey: fromHex(file.derived.backupXWing.privateKey), publicKey: fromHex(file.derived.backupXWing.publicKey) };
    expect(toHex(await openBackupHeader(provider, h, keys))).toBe(file.header.secret);
  });

  it('the entry verifies, opens to the conversation key and is rebuilt from its nonce', async () => {
    const e = (await verifyBackupEntry(provider, file.entry.value, expectHeader)) as BackupEntryV2;
    expect(toHex(backupEntrySigningInput(e))).toBe(file.entry.signingInput);
    const h = file.header.value as BackupHeader;
    expect(toHex(await openBackupEntryV2(provider, e, h, fromHex(file.header.secret)))).toBe(file.entry.conversationKey);
    const again = await createBackupEntryV2(provider, {
      sealer: { header: h, secret: fromHex(file.header.secret) },
      conversationId: e.conversationId,
      version: e.version,
      key: fromHex(file.entry.conversationKey),
      acceptedAt: e.acceptedAt,
      signingPrivateKey: new Uint8Array(32),
      nonce: fromBase64Url(e.nonce),
    });
    expect(again.ct).toBe(e.ct);
  });

  for (const c of file.invalidHeaders) {
    it(`refused header: ${c.name} → ${c.error}`, async () => {
      await expect(verifyBackupHeader(provider, c.value, expectHeader)).rejects.toMatchObject({ code: c.error });
    });
  }

  for (const c of file.invalidEntries) {
    it(`refused entry: ${c.name} → ${c.error}, nothing opened`, async () => {
      // Each is signed by a certified device of the account: only the entry key and the AAD refuse it.
      const e = (await verifyBackupEntry(provider, c.value, expectHeader)) as BackupEntryV2;
      await expect(openBackupEntryV2(provider, e, file.header.value as BackupHeader, fromHex(file.header.secret))).rejects.toMatchObject({ code: c.error });
    });
  }

  it('an entry moved to another conversation or key version by a device that re-signs it does not open (bad_tag)', async () => {
    // Made here, not read from the file: the binding of the entry key and the AAD is what is tested.
    const signer = await provider.ed25519GenerateKeyPair();
    const h = { ...(file.header.value as BackupHeader) };
    const sealer = { header: h, secret: fromHex(file.header.secret) };
    const key = fromHex(file.entry.conversationKey);
    const e = await createBackupEntryV2(provider, {
      sealer,
      conversationId: 'conv-a-0001',
      version: 4,
      key,
      acceptedAt: 0,
      signingPrivateKey: signer.privateKey,
    });
    expect(toHex(await openBackupEntryV2(provider, e, h, sealer.secret))).toBe(file.entry.conversationKey);
    for (const moved of [
      { ...e, conversationId: 'conv-b-0001' },
      { ...e, version: 5 },
    ]) {
      await expect(openBackupEntryV2(provider, moved as BackupEntryV2, h, sealer.secret)).rejects.toMatchObject({ code: 'bad_tag' });
    }
  });

  it("an entry is opened only under its own device's header (another device's header: bad_signature)", async () => {
    const e = (await verifyBackupEntry(provider, file.entry.value, expectHeader)) as BackupEntryV2;
    const other = file.laptopHeader.value as BackupHeader;
    expect(other.deviceId).toBe(laptop.deviceId);
    await expect(openBackupEntryV2(provider, e, other, fromHex(file.header.secret))).rejects.toMatchObject({ code: 'bad_signature' });
  });
});

// ---- the independent implementation ----

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function crockfordBytes(text: string): Uint8Array {
  const clean = text.replace(/-/g, '');
  let bits = '';
  for (const ch of clean) bits += CROCKFORD.indexOf(ch).toString(2).padStart(5, '0');
  const out = new Uint8Array(Math.floor(bits.length / 8));
  for (let i = 0; i < out.length; i++) out[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  return out;
}
function tupleOf(...fields: (string | Uint8Array)[]): Uint8Array {
  const parts = fields.map((f) => (typeof f === 'string' ? new TextEncoder().encode(f) : f));
  const out = Buffer.concat(
    parts.flatMap((p) => [Buffer.from([p.length >>> 24, (p.length >>> 16) & 255, (p.length >>> 8) & 255, p.length & 255]), Buffer.from(p)]),
  );
  return new Uint8Array(out);
}
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
const buf = (u: Uint8Array): ArrayBuffer => u.slice().buffer;

describe('X-Wing backup vectors, independent implementation (@hpke/core + @hpke/hybridkem-x-wing, node:crypto)', () => {
  const suite = new CipherSuite({ kem: new XWing(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
  const entry = file.entry.value;
  const header = file.header.value;

  it('opens the entry from the recovery key text alone', async () => {
    const key = crockfordBytes(file.recoveryKey.text).slice(0, 32);
    const seed = new Uint8Array(hkdfSync('sha256', key, 'seed-recovery-v1', tupleOf('seed-recovery-backup-xwing-key-v2', file.userId), 32));
    const info = tupleOf('seed-backup-header-v2', file.userId, header.deviceId, u32(header.backupVersion));
    const skR = await suite.kem.deserializePrivateKey(buf(seed));
    const ctx = await suite.createRecipientContext({ recipientKey: skR, enc: buf(fromBase64Url(header.enc)), info: buf(info) });
    const secret = new Uint8Array(await ctx.export(buf(new TextEncoder().encode('seed-backup-entries-v2')), 32));
    expect(toHex(secret)).toBe(file.header.secret);
    const entryKey = createHmac('sha256', secret)
      .update(Buffer.concat([tupleOf('seed-backup-entry-key-v2', entry.conversationId, u32(entry.version)), Buffer.of(1)]))
      .digest();
    const aad = tupleOf('seed-backup-entry-v2', file.userId, u32(entry.backupVersion), entry.addedByDevice, entry.conversationId, u32(entry.version));
    const sealed = fromBase64Url(entry.ct);
    const decipher = createDecipheriv('aes-256-gcm', entryKey, fromBase64Url(entry.nonce));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(32));
    const pt = Buffer.concat([decipher.update(sealed.subarray(0, 32)), decipher.final()]);
    expect(toHex(new Uint8Array(pt))).toBe(file.entry.conversationKey);
  });

  it('makes the same header encapsulation from the same eseed', async () => {
    const pkR = await suite.kem.deserializePublicKey(buf(fromHex(file.derived.backupXWing.publicKey)));
    const info = tupleOf('seed-backup-header-v2', file.userId, header.deviceId, u32(header.backupVersion));
    const sender = await suite.createSenderContext({ recipientPublicKey: pkR, info: buf(info), ekm: fromHex(file.header.eseed) });
    expect(toHex(new Uint8Array(sender.enc))).toBe(toHex(fromBase64Url(header.enc)));
    expect(toHex(new Uint8Array(await sender.export(buf(new TextEncoder().encode('seed-backup-entries-v2')), 32)))).toBe(file.header.secret);
  });
});
