/**
 * Vectors of the recovery key and key backup (docs/protocol.md §18): a fixed recovery key → its text, the
 * checksum, the HKDF outputs (identity encryption key, backup X25519 key pair), the signed descriptor (with
 * a fixed nonce) and one backup entry (with a fixed HPKE ephemeral key); typed inputs that must be refused
 * before any network call, and descriptors and entries a verifier must refuse.
 */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { toBase64Url } from '../../../src/common/encoding/base64url';
import { i2osp, toHex, tuple } from '../../../src/common/encoding/bytes';
import type { ConversationId } from '../../../src/common/ids';
import {
  backupDescriptorSigningInput,
  backupEntrySigningInput,
  backupWrapAad,
  backupWrapInfo,
  createBackupDescriptor,
  createBackupEntry,
  deriveRecoveryKeys,
  formatRecoveryKey,
  identityBlobAad,
  RECOVERY_CHECK_LABEL,
} from '../../../src/common/protocol/recovery';
import { fixedBytes, fixedX25519, flip, pairHex, vectorUser } from './fixedKeys';

export async function buildRecoveryVectors(provider: CryptoProvider) {
  const alice = await vectorUser(provider, 'alice', ['desktop']);
  const mallory = await vectorUser(provider, 'mallory', ['desktop']);
  const device = alice.devices[0]!;
  const recoveryKey = await fixedBytes(provider, 'recovery/key');
  const text = await formatRecoveryKey(provider, recoveryKey);
  const keys = await deriveRecoveryKeys(provider, recoveryKey, alice.userId);
  const nonce = await fixedBytes(provider, 'recovery/identity-nonce', 12);
  const descriptor = await createBackupDescriptor(provider, {
    userId: alice.userId,
    backupVersion: 1,
    keys,
    account: alice.account,
    createdAt: 1_735_689_600_000,
    nonce,
    suite: 'x25519',
  });
  const conversationKey = await fixedBytes(provider, 'recovery/conversation-key');
  const conversationId = 'conv-vector-0001' as ConversationId;
  const entry = await createBackupEntry(provider, {
    userId: alice.userId,
    descriptor,
    conversationId,
    version: 2,
    key: conversationKey,
    acceptedAt: 1_735_689_700_000,
    deviceId: device.deviceId,
    signingPrivateKey: device.ed25519.privateKey,
    ephemeral: await fixedX25519(provider, 'recovery/entry-ephemeral'),
  });
  const byMallory = await createBackupDescriptor(provider, {
    userId: alice.userId,
    backupVersion: 1,
    keys,
    account: mallory.account,
    createdAt: descriptor.createdAt,
    nonce,
    suite: 'x25519',
  });
  const otherKey = await deriveRecoveryKeys(provider, await fixedBytes(provider, 'recovery/other-key'), alice.userId);
  return {
    description:
      'Recovery key and key backup (docs/protocol.md §18). recoveryKey (hex) → text: Crockford base32 of key ‖ SHA-256(tuple("seed-recovery-key-check-v1", key))[0..3], 14 groups of 4. prk = HKDF-Extract("seed-recovery-v1", key); identityKey = HKDF-Expand(prk, tuple("seed-recovery-identity-key-v1", userId), 32); backup private key = HKDF-Expand(prk, tuple("seed-recovery-backup-key-v1", userId), 32). The descriptor is signed by the account key (tuple("seed-key-backup-v1", canonicalJson)), the entry by the device (tuple("seed-key-backup-entry-v1", canonicalJson)).',
    userId: alice.userId,
    account: pairHex(alice.account),
    device: { deviceId: device.deviceId, ed25519: pairHex(device.ed25519) },
    recoveryKey: toHex(recoveryKey),
    checksumInput: toHex(tuple(RECOVERY_CHECK_LABEL, recoveryKey)),
    text,
    derived: { identityKey: toHex(keys.identityKey), backup: pairHex(keys.backup), backupKeyB64u: toBase64Url(keys.backup.publicKey) },
    descriptor: {
      nonce: toHex(nonce),
      identityAad: toHex(identityBlobAad(alice.userId, 1)),
      signingInput: toHex(backupDescriptorSigningInput(descriptor)),
      value: descriptor,
    },
    entry: {
      conversationKey: toHex(conversationKey),
      ephemeral: pairHex(await fixedX25519(provider, 'recovery/entry-ephemeral')),
      info: toHex(backupWrapInfo(alice.userId, conversationId, 2, 1)),
      aad: toHex(backupWrapAad(alice.userId)),
      signingInput: toHex(backupEntrySigningInput(entry)),
      value: entry,
    },
    typed: {
      accepted: [
        { name: 'as shown', input: text },
        { name: 'lower case with spaces', input: text.toLowerCase().replace(/-/g, ' ') },
        { name: 'O for 0 and l for 1', input: text.replace(/0/g, 'O').replace(/1/g, 'l') },
      ],
      refused: [
        { name: 'one character changed', input: `${text[0] === 'A' ? 'B' : 'A'}${text.slice(1)}`, error: 'recovery_key_unreadable' },
        { name: 'a group missing', input: text.slice(5), error: 'recovery_key_unreadable' },
        { name: 'a character outside the alphabet', input: `U${text.slice(1)}`, error: 'recovery_key_unreadable' },
        { name: 'empty', input: '', error: 'recovery_key_unreadable' },
      ],
    },
    invalidDescriptors: [
      {
        name: 'backup key swapped (not what the account signed)',
        value: { ...descriptor, backupKey: toBase64Url(otherKey.backup.publicKey) },
        error: 'bad_signature',
      },
      { name: 'signed by another account key', value: byMallory, error: 'bad_signature' },
      {
        name: 'identity blob altered',
        value: { ...descriptor, identity: { ...descriptor.identity, ct: flip(descriptor.identity.ct) } },
        error: 'bad_signature',
      },
      { name: 'version 3 of the format', value: { ...descriptor, v: 3 }, error: 'unsupported_version' },
      { name: 'unknown member', value: { ...descriptor, hint: 'x' }, error: 'malformed' },
    ],
    invalidEntries: [
      { name: 'key version changed after signing', value: { ...entry, version: 3 }, error: 'bad_signature' },
      { name: 'ciphertext altered (the device signature covers it)', value: { ...entry, ct: flip(entry.ct) }, error: 'bad_signature' },
      { name: 'another backup version', value: { ...entry, backupVersion: 2 }, error: 'wrong_key_version' },
    ],
    versionBytes: toHex(i2osp(1, 4)),
  };
}
