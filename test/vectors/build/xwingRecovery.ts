/**
 * Vectors of the post-quantum key backup (docs/protocol.md §18.10, suite `xwing`): a fixed recovery key →
 * its text and the X-Wing backup key pair; the signed descriptor v2; one device header (its encapsulation
 * derandomized from the device's X25519 key: the eseed is given too), the header secret (HPKE X-Wing
 * base-mode Export), and one entry v2 (fixed nonce) with its key, AAD and signing input; headers and
 * entries a restoring device must refuse. Everything an outside implementer needs to open the entry with
 * the recovery key text alone.
 */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { hkdfExpand, hkdfExtract } from '../../../src/common/crypto/hkdf';
import { toBase64Url } from '../../../src/common/encoding/base64url';
import { i2osp, toHex, tuple } from '../../../src/common/encoding/bytes';
import { utf8Encode } from '../../../src/common/encoding/utf8';
import type { ConversationId } from '../../../src/common/ids';
import {
  BACKUP_HEADER_ESEED_SALT,
  BACKUP_HEADER_EXPORT_LABEL,
  backupDescriptorSigningInput,
  backupEntryKey,
  backupEntrySigningInput,
  backupEntryV2Aad,
  backupHeaderInfo,
  backupHeaderSigningInput,
  createBackupDescriptor,
  createBackupEntryV2,
  createBackupHeader,
  deriveRecoveryKeys,
  formatRecoveryKey,
} from '../../../src/common/protocol/recovery';
import { fixedBytes, pairHex, vectorUser } from './fixedKeys';

export async function buildXWingRecoveryVectors(provider: CryptoProvider) {
  const alice = await vectorUser(provider, 'alice', ['desktop', 'laptop']);
  const [device, laptop] = [alice.devices[0]!, alice.devices[1]!];
  const recoveryKey = await fixedBytes(provider, 'xwing-recovery/key');
  const text = await formatRecoveryKey(provider, recoveryKey);
  const keys = await deriveRecoveryKeys(provider, recoveryKey, alice.userId);
  const nonce = await fixedBytes(provider, 'xwing-recovery/identity-nonce', 12);
  const descriptor = await createBackupDescriptor(provider, {
    userId: alice.userId,
    backupVersion: 3,
    keys,
    account: alice.account,
    createdAt: 1_767_225_600_000,
    nonce,
    legacy: { backupVersion: 2, backupKey: toBase64Url(keys.backup.publicKey) },
  });
  const prk = await hkdfExtract(provider, utf8Encode(BACKUP_HEADER_ESEED_SALT), device.ed25519.privateKey);
  const eseedInfo = tuple(alice.userId, device.deviceId, i2osp(3, 4), keys.backupXWing.publicKey);
  const eseed = await hkdfExpand(provider, prk, eseedInfo, 64);
  const sealer = await createBackupHeader(provider, {
    userId: alice.userId,
    descriptor,
    deviceId: device.deviceId,
    signingPrivateKey: device.ed25519.privateKey,
  });
  const laptopSealer = await createBackupHeader(provider, {
    userId: alice.userId,
    descriptor,
    deviceId: laptop.deviceId,
    signingPrivateKey: laptop.ed25519.privateKey,
  });
  const conversationKey = await fixedBytes(provider, 'xwing-recovery/conversation-key');
  const conversationId = 'conv-vector-0001' as ConversationId;
  const entryNonce = await fixedBytes(provider, 'xwing-recovery/entry-nonce', 12);
  const entry = await createBackupEntryV2(provider, {
    sealer,
    conversationId,
    version: 2,
    key: conversationKey,
    acceptedAt: 1_767_225_700_000,
    signingPrivateKey: device.ed25519.privateKey,
    nonce: entryNonce,
  });
  // The desktop's entry sealed under the laptop's header secret (a device that reused another's header).
  const underLaptop = await createBackupEntryV2(provider, {
    sealer: { header: sealer.header, secret: laptopSealer.secret },
    conversationId,
    version: 2,
    key: conversationKey,
    acceptedAt: 1_767_225_700_000,
    signingPrivateKey: device.ed25519.privateKey,
    nonce: entryNonce,
  });
  // Another conversation's entry whose ciphertext the attacker moved onto this one (re-signed by a certified device).
  const moved = await createBackupEntryV2(provider, {
    sealer,
    conversationId: 'conv-vector-0002',
    version: 2,
    key: conversationKey,
    acceptedAt: 1_767_225_700_000,
    signingPrivateKey: device.ed25519.privateKey,
    nonce: entryNonce,
  });
  const entryKey = await backupEntryKey(provider, sealer.secret, conversationId, 2);
  const resign = async (e: typeof entry) => ({
    ...e,
    signature: toBase64Url(await provider.ed25519Sign(device.ed25519.privateKey, backupEntrySigningInput(e))),
  });
  return {
    description:
      'Post-quantum key backup (docs/protocol.md §18.10, suite xwing). From the recovery key text: prk = HKDF-Extract("seed-recovery-v1", key); X-Wing backup seed = HKDF-Expand(prk, tuple("seed-recovery-backup-xwing-key-v2", userId), 32) (draft-connolly-cfrg-xwing-kem decapsulation key). Header: enc = X-Wing EncapsulateDerand(backupKey, eseed) with eseed = HKDF(salt "seed-backup-header-eseed-v2", ikm the device Ed25519 private seed, info tuple(userId, deviceId, I2OSP(backupVersion,4), backupKey), 64); header secret = HPKE base mode (KEM X-Wing 0x647a, HKDF-SHA256, AES-256-GCM) SetupBaseR(enc, skR, info = tuple("seed-backup-header-v2", userId, deviceId, I2OSP(backupVersion,4))).Export("seed-backup-entries-v2", 32). Entry: key = HKDF-Expand(header secret, tuple("seed-backup-entry-key-v2", conversationId, I2OSP(version,4)), 32); ct = AES-256-GCM(key, nonce, conversation key, aad = tuple("seed-backup-entry-v2", userId, I2OSP(backupVersion,4), deviceId, conversationId, I2OSP(version,4))). Signatures: descriptor by the account key over tuple("seed-key-backup-v2", canonicalJson), header by the device over tuple("seed-key-backup-header-v2", canonicalJson), entry by the device over tuple("seed-key-backup-entry-v2", canonicalJson). tuple() = for each item I2OSP(len,4) ‖ bytes (strings UTF-8).',
    userId: alice.userId,
    account: { publicKey: toHex(alice.account.publicKey) },
    devices: [device, laptop].map((d) => ({ deviceId: d.deviceId, ed25519: pairHex(d.ed25519) })),
    recoveryKey: { hex: toHex(recoveryKey), text },
    derived: { backupXWing: pairHex(keys.backupXWing), backupX25519PublicKey: toHex(keys.backup.publicKey) },
    descriptor: { signingInput: toHex(backupDescriptorSigningInput(descriptor)), value: descriptor },
    header: {
      eseed: toHex(eseed),
      info: toHex(backupHeaderInfo(alice.userId, device.deviceId, 3)),
      exporterContext: toHex(utf8Encode(BACKUP_HEADER_EXPORT_LABEL)),
      secret: toHex(sealer.secret),
      signingInput: toHex(backupHeaderSigningInput(sealer.header)),
      value: sealer.header,
    },
    laptopHeader: { value: laptopSealer.header },
    entry: {
      conversationKey: toHex(conversationKey),
      key: toHex(entryKey),
      aad: toHex(backupEntryV2Aad(alice.userId, 3, device.deviceId, conversationId, 2)),
      signingInput: toHex(backupEntrySigningInput(entry)),
      value: entry,
    },
    invalidHeaders: [
      { name: 'enc truncated to 1,088 bytes (the ML-KEM half only)', value: { ...sealer.header, enc: sealer.header.enc.slice(0, 1451) }, error: 'malformed' },
      { name: "the laptop's header claimed for the desktop", value: { ...laptopSealer.header, deviceId: device.deviceId }, error: 'bad_signature' },
      { name: 'another backup version', value: { ...sealer.header, backupVersion: 2 }, error: 'wrong_key_version' },
    ],
    invalidEntries: [
      { name: "sealed under the laptop's header secret", value: underLaptop, error: 'bad_tag' },
      { name: 'moved from another conversation (ciphertext reused, re-signed)', value: await resign({ ...entry, ct: moved.ct }), error: 'bad_tag' },
      { name: 'another key version (re-signed)', value: await resign({ ...entry, version: 3 }), error: 'bad_tag' },
    ],
  };
}
