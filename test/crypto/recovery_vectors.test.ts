/**
 * Replays test/vectors/recovery.json (docs/protocol.md §18) from the file alone: the recovery key's text
 * and checksum, the HKDF derivation (identity encryption key, backup X25519 pair), the descriptor sealed
 * with the recorded nonce and signed by the account key, the entry sealed with the recorded ephemeral key
 * and signed by the device — byte for byte — and that both open again; typed inputs accepted and refused
 * (`recovery_key_unreadable`), descriptors and entries refused with their stated codes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import {
  backupDescriptorSigningInput,
  backupEntrySigningInput,
  backupWrapAad,
  backupWrapInfo,
  createBackupDescriptor,
  createBackupEntry,
  deriveRecoveryKeys,
  formatRecoveryKey,
  openBackupEntry,
  openIdentityBlob,
  parseRecoveryKey,
  verifyBackupDescriptor,
  verifyBackupEntry,
  type BackupDescriptor,
  type BackupEntry,
} from '../../src/common/protocol/recovery';
import { provider } from './fixtures';

interface Pair {
  privateKey: string;
  publicKey: string;
}
interface RecoveryFile {
  userId: string;
  account: Pair;
  device: { deviceId: string; ed25519: Pair };
  recoveryKey: string;
  text: string;
  derived: { identityKey: string; backup: Pair };
  descriptor: { nonce: string; identityAad: string; signingInput: string; value: BackupDescriptor };
  entry: { conversationKey: string; ephemeral: Pair; info: string; aad: string; signingInput: string; value: BackupEntry };
  typed: { accepted: { name: string; input: string }[]; refused: { name: string; input: string; error: string }[] };
  invalidDescriptors: { name: string; value: unknown; error: string }[];
  invalidEntries: { name: string; value: unknown; error: string }[];
}

const v = JSON.parse(readFileSync(join(__dirname, '..', 'vectors', 'recovery.json'), 'utf8')) as RecoveryFile;
const pair = (p: Pair) => ({ privateKey: fromHex(p.privateKey), publicKey: fromHex(p.publicKey) });
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: unknown) => (err as { code: string }).code,
  );

describe('recovery.json', () => {
  it('formats the key and derives the keys byte for byte', async () => {
    expect(await formatRecoveryKey(provider, fromHex(v.recoveryKey))).toBe(v.text);
    const keys = await deriveRecoveryKeys(provider, fromHex(v.recoveryKey), v.userId);
    expect(toHex(keys.identityKey)).toBe(v.derived.identityKey);
    expect(toHex(keys.backup.privateKey)).toBe(v.derived.backup.privateKey);
    expect(toHex(keys.backup.publicKey)).toBe(v.derived.backup.publicKey);
    // Another account with the same recovery key gets other keys.
    const other = await deriveRecoveryKeys(provider, fromHex(v.recoveryKey), 'user-bob-0001');
    expect(toHex(other.backup.publicKey)).not.toBe(v.derived.backup.publicKey);
  });

  it('reads typed keys, and refuses typos before anything else', async () => {
    for (const t of v.typed.accepted) expect(toHex(await parseRecoveryKey(provider, t.input)), t.name).toBe(v.recoveryKey);
    for (const t of v.typed.refused) expect(await codeOf(parseRecoveryKey(provider, t.input)), t.name).toBe(t.error);
  });

  it('rebuilds the descriptor and the entry byte for byte, and opens both', async () => {
    const keys = await deriveRecoveryKeys(provider, fromHex(v.recoveryKey), v.userId);
    const account = pair(v.account);
    const descriptor = await createBackupDescriptor(provider, {
      userId: v.userId,
      backupVersion: v.descriptor.value.backupVersion,
      keys,
      account,
      createdAt: v.descriptor.value.createdAt,
      nonce: fromHex(v.descriptor.nonce),
      suite: 'x25519', // the format of releases before §18.10
    });
    expect(descriptor).toEqual(v.descriptor.value);
    expect(toHex(backupDescriptorSigningInput(descriptor))).toBe(v.descriptor.signingInput);
    const verified = await verifyBackupDescriptor(provider, v.descriptor.value, { userId: v.userId, accountKey: account.publicKey });
    expect(toHex(await openIdentityBlob(provider, verified, keys))).toBe(v.account.privateKey);

    const e = v.entry.value;
    const entry = await createBackupEntry(provider, {
      userId: v.userId,
      descriptor,
      conversationId: e.conversationId,
      version: e.version,
      key: fromHex(v.entry.conversationKey),
      acceptedAt: e.acceptedAt,
      deviceId: v.device.deviceId,
      signingPrivateKey: fromHex(v.device.ed25519.privateKey),
      ephemeral: pair(v.entry.ephemeral),
    });
    expect(entry).toEqual(e);
    expect(toHex(backupWrapInfo(v.userId, e.conversationId, e.version, e.backupVersion))).toBe(v.entry.info);
    expect(toHex(backupWrapAad(v.userId))).toBe(v.entry.aad);
    expect(toHex(backupEntrySigningInput(entry))).toBe(v.entry.signingInput);
    const device = fromHex(v.device.ed25519.publicKey);
    const checked = await verifyBackupEntry(provider, e, {
      userId: v.userId,
      backupVersion: 1,
      deviceEd25519: (id) => (id === v.device.deviceId ? device : undefined),
    });
    if (checked.v !== 1) throw new Error('the vector entry is v1');
    expect(toHex(await openBackupEntry(provider, checked, keys.backup))).toBe(v.entry.conversationKey);
  });

  it('refuses the invalid descriptors and entries with their codes', async () => {
    const accountKey = fromHex(v.account.publicKey);
    for (const c of v.invalidDescriptors) {
      expect(await codeOf(verifyBackupDescriptor(provider, c.value, { userId: v.userId, accountKey })), c.name).toBe(c.error);
    }
    const device = fromHex(v.device.ed25519.publicKey);
    for (const c of v.invalidEntries) {
      const expect_ = { userId: v.userId, backupVersion: 1, deviceEd25519: (id: string) => (id === v.device.deviceId ? device : undefined) };
      expect(await codeOf(verifyBackupEntry(provider, c.value, expect_)), c.name).toBe(c.error);
    }
  });
});
