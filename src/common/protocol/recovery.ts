/**
 * The recovery key and the encrypted key backup (docs/protocol.md §18).
 *
 *   recovery key   32 random bytes R, shown as 56 Crockford base32 characters (R ‖ 3 checksum bytes) in
 *                  14 groups of 4; the checksum catches typos before any network call
 *   derivation     prk = HKDF-Extract(salt = "seed-recovery-v1", ikm = R)
 *                  identity key  = HKDF-Expand(prk, tuple("seed-recovery-identity-key-v1", userId), 32)
 *                  backup secret = HKDF-Expand(prk, tuple("seed-recovery-backup-key-v1", userId), 32) (X25519)
 *   descriptor     {v, userId, backupVersion, backupKey, identity: {nonce, ct}, createdAt} signed by the account
 *                  identity key; identity.ct = AES-256-GCM(identity key, nonce, account seed,
 *                  aad = tuple("seed-recovery-identity-v1", userId, I2OSP(backupVersion, 4)))
 *   entry          one conversation key version HPKE-sealed to backupKey, signed by the device that adds it
 *
 * Every failure is a `RecoveryError` (recovery_key_unreadable / recovery_key_invalid / backup_key_changed)
 * or a protocol error (`malformed`, `bad_signature`, `bad_tag`).
 */
import { z } from 'zod';
import { hkdfExpand, hkdfExtract } from '../crypto/hkdf';
import { openBase, sealBase } from '../crypto/hpke/base';
import type { CryptoProvider, RawKeyPair } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { constantTimeEqual, i2osp, tuple } from '../encoding/bytes';
import { canonicalJson } from '../encoding/canonicalJson';
import { utf8Encode } from '../encoding/utf8';
import { AppError } from '../errors';
import { ConversationIdSchema, DeviceIdSchema, UserIdSchema, type DeviceId } from '../ids';
import { KeyWrapSchema, unwrapKey, wrapKey } from './keyWrap';
import { BadSignatureError, BadTagError, WrongKeyVersionError } from './errors';
import { MembershipHeadSchema } from './membershipHead';
import { b64uField, bytesOf, KeyVersionNumber, parseWire, TimestampMs } from './wire';

/** Crockford base32 (no I, L, O, U). */
export const RECOVERY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Random bytes of a recovery key. */
export const RECOVERY_KEY_BYTES = 32;
/** Checksum bytes appended before encoding. */
export const RECOVERY_CHECK_BYTES = 3;
/** Characters of an encoded key (35 bytes = 280 bits = 56 characters). */
export const RECOVERY_KEY_CHARS = 56;

export const RECOVERY_CHECK_LABEL = 'seed-recovery-key-check-v1';
export const RECOVERY_SALT = 'seed-recovery-v1';
export const RECOVERY_IDENTITY_KEY_LABEL = 'seed-recovery-identity-key-v1';
export const RECOVERY_BACKUP_KEY_LABEL = 'seed-recovery-backup-key-v1';
export const RECOVERY_IDENTITY_AAD_LABEL = 'seed-recovery-identity-v1';
export const BACKUP_DESCRIPTOR_DOMAIN = 'seed-key-backup-v1';
export const BACKUP_ENTRY_DOMAIN = 'seed-key-backup-entry-v1';
export const BACKUP_WRAP_LABEL = 'seed-backup-conv-key-v1';
export const BACKUP_WRAP_AAD_LABEL = 'seed-backup-recipient-v1';
/** Backup versions, like key versions: 1 … 2^31 − 1. */
export const BackupVersionNumber = KeyVersionNumber;

/** Codes of recovery failures (docs/protocol.md §18.7). */
export type RecoveryErrorCode = 'recovery_key_unreadable' | 'recovery_key_invalid' | 'recovery_key_outdated' | 'backup_key_changed' | 'no_recovery_key';

/** A recovery failure: a typo, a key that is not the account's (or an older one), a backup key nobody of the account signed. */
export class RecoveryError extends AppError {
  declare readonly code: RecoveryErrorCode;
  constructor(code: RecoveryErrorCode, message: string) {
    super(code, message);
  }
}

// ---- format (§18.1) ----

function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += RECOVERY_ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += RECOVERY_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

function base32Decode(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let i = 0;
  for (const ch of text) {
    buffer = (buffer << 5) | RECOVERY_ALPHABET.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[i++] = (buffer >> bits) & 0xff;
      buffer &= (1 << bits) - 1;
    }
  }
  return out;
}

async function checksum(provider: CryptoProvider, key: Uint8Array): Promise<Uint8Array> {
  return (await provider.sha256(tuple(RECOVERY_CHECK_LABEL, key))).slice(0, RECOVERY_CHECK_BYTES);
}

/** The text of a recovery key: 14 groups of 4 characters separated by `-`. */
export async function formatRecoveryKey(provider: CryptoProvider, key: Uint8Array): Promise<string> {
  if (key.length !== RECOVERY_KEY_BYTES) throw new RangeError('a recovery key is 32 bytes');
  const payload = new Uint8Array(RECOVERY_KEY_BYTES + RECOVERY_CHECK_BYTES);
  payload.set(key);
  payload.set(await checksum(provider, key), RECOVERY_KEY_BYTES);
  const text = base32Encode(payload);
  payload.fill(0);
  return (text.match(/.{4}/g) ?? []).join('-');
}

/** A fresh recovery key: its 32 bytes and its text. */
export async function generateRecoveryKey(provider: CryptoProvider): Promise<{ key: Uint8Array; text: string }> {
  const key = provider.randomBytes(RECOVERY_KEY_BYTES);
  return { key, text: await formatRecoveryKey(provider, key) };
}

/**
 * Reads a typed recovery key: whitespace and `-` ignored, case-insensitive, `O` read as `0` and `I`/`L` as
 * `1` (Crockford); anything else, a wrong length or a wrong checksum → `recovery_key_unreadable`.
 */
export async function parseRecoveryKey(provider: CryptoProvider, typed: string): Promise<Uint8Array> {
  const text = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  const unreadable = () => new RecoveryError('recovery_key_unreadable', 'this is not a recovery key: check every group for a typo');
  if (text.length !== RECOVERY_KEY_CHARS || ![...text].every((c) => RECOVERY_ALPHABET.includes(c))) throw unreadable();
  const payload = base32Decode(text);
  const key = payload.slice(0, RECOVERY_KEY_BYTES);
  const ok = constantTimeEqual(await checksum(provider, key), payload.slice(RECOVERY_KEY_BYTES));
  payload.fill(0);
  if (!ok) {
    key.fill(0);
    throw unreadable();
  }
  return key;
}

// ---- derivation (§18.2) ----

/** What a recovery key yields for one account. */
export interface RecoveryKeys {
  /** AES-256-GCM key of the identity blob. */
  readonly identityKey: Uint8Array;
  /** The X25519 backup key pair (private: the HKDF output as an RFC 7748 scalar string). */
  readonly backup: RawKeyPair;
}

export async function deriveRecoveryKeys(provider: CryptoProvider, recoveryKey: Uint8Array, userId: string): Promise<RecoveryKeys> {
  if (recoveryKey.length !== RECOVERY_KEY_BYTES) throw new RangeError('a recovery key is 32 bytes');
  const prk = await hkdfExtract(provider, utf8Encode(RECOVERY_SALT), recoveryKey);
  try {
    const identityKey = await hkdfExpand(provider, prk, tuple(RECOVERY_IDENTITY_KEY_LABEL, userId), 32);
    const privateKey = await hkdfExpand(provider, prk, tuple(RECOVERY_BACKUP_KEY_LABEL, userId), 32);
    return { identityKey, backup: { privateKey, publicKey: await provider.x25519PublicKey(privateKey) } };
  } finally {
    prk.fill(0);
  }
}

/** Zeroes derived keys. */
export function wipeRecoveryKeys(keys: RecoveryKeys): void {
  keys.identityKey.fill(0);
  keys.backup.privateKey.fill(0);
}

// ---- descriptor (§18.3) ----

export const IdentityBlobSchema = z.strictObject({ nonce: b64uField(12), ct: b64uField(48) });
const descriptorFields = {
  v: z.literal(1),
  userId: UserIdSchema,
  backupVersion: BackupVersionNumber,
  backupKey: b64uField(32),
  identity: IdentityBlobSchema,
  createdAt: TimestampMs,
};
export const UnsignedBackupDescriptorSchema = z.strictObject(descriptorFields);
export const BackupDescriptorSchema = z.strictObject({ ...descriptorFields, signature: b64uField(64) });
export type UnsignedBackupDescriptor = z.infer<typeof UnsignedBackupDescriptorSchema>;
export type BackupDescriptor = z.infer<typeof BackupDescriptorSchema>;

export function identityBlobAad(userId: string, backupVersion: number): Uint8Array {
  return tuple(RECOVERY_IDENTITY_AAD_LABEL, userId, i2osp(backupVersion, 4));
}

export function backupDescriptorSigningInput(d: UnsignedBackupDescriptor | BackupDescriptor): Uint8Array {
  const body: UnsignedBackupDescriptor = {
    v: d.v,
    userId: d.userId,
    backupVersion: d.backupVersion,
    backupKey: d.backupKey,
    identity: { nonce: d.identity.nonce, ct: d.identity.ct },
    createdAt: d.createdAt,
  };
  return tuple(BACKUP_DESCRIPTOR_DOMAIN, canonicalJson(body));
}

/** Makes and signs the descriptor of a backup version. `nonce` is for test vectors only. */
export async function createBackupDescriptor(
  provider: CryptoProvider,
  input: {
    readonly userId: string;
    readonly backupVersion: number;
    readonly keys: RecoveryKeys;
    readonly account: RawKeyPair;
    readonly createdAt: number;
    readonly nonce?: Uint8Array;
  },
): Promise<BackupDescriptor> {
  const nonce = input.nonce ?? provider.randomBytes(12);
  const ct = await provider.aes256GcmEncrypt(input.keys.identityKey, nonce, input.account.privateKey, identityBlobAad(input.userId, input.backupVersion));
  const unsigned = parseWire(
    UnsignedBackupDescriptorSchema,
    {
      v: 1,
      userId: input.userId,
      backupVersion: input.backupVersion,
      backupKey: toBase64Url(input.keys.backup.publicKey),
      identity: { nonce: toBase64Url(nonce), ct: toBase64Url(ct) },
      createdAt: input.createdAt,
    },
    'backup descriptor',
  );
  const signature = await provider.ed25519Sign(input.account.privateKey, backupDescriptorSigningInput(unsigned));
  return { ...unsigned, signature: toBase64Url(signature) };
}

/**
 * Parses a descriptor and verifies it for `userId` under the account key (parse → `malformed` /
 * `unsupported_version`; another user or a signature that does not verify → `bad_signature`).
 */
export async function verifyBackupDescriptor(
  provider: CryptoProvider,
  input: unknown,
  expect: { userId: string; accountKey: Uint8Array },
): Promise<BackupDescriptor> {
  const d = parseWire(BackupDescriptorSchema, input, 'backup descriptor');
  if (d.userId !== expect.userId) throw new BadSignatureError('backup descriptor is for another user');
  if (!(await provider.ed25519Verify(expect.accountKey, backupDescriptorSigningInput(d), bytesOf(d.signature)))) {
    throw new BadSignatureError('backup descriptor signature does not verify under the account key');
  }
  return d;
}

/** Opens the identity blob; `bad_tag` when the key is not the one it was made with. Answers the 32-byte account seed. */
export async function openIdentityBlob(provider: CryptoProvider, d: BackupDescriptor, keys: RecoveryKeys): Promise<Uint8Array> {
  const seed = await provider.aes256GcmDecrypt(keys.identityKey, bytesOf(d.identity.nonce), bytesOf(d.identity.ct), identityBlobAad(d.userId, d.backupVersion));
  if (seed === null) throw new BadTagError('the identity key of the backup does not open with this recovery key');
  return seed;
}

// ---- entries (§18.4) ----

const entryFields = {
  v: z.literal(1),
  userId: UserIdSchema,
  backupVersion: BackupVersionNumber,
  conversationId: ConversationIdSchema,
  version: KeyVersionNumber,
  enc: b64uField(32),
  ct: b64uField(48),
  membership: MembershipHeadSchema.optional(),
  acceptedAt: TimestampMs,
  addedByDevice: DeviceIdSchema,
};
export const UnsignedBackupEntrySchema = z.strictObject(entryFields);
export const BackupEntrySchema = z.strictObject({ ...entryFields, signature: b64uField(64) });
export type UnsignedBackupEntry = z.infer<typeof UnsignedBackupEntrySchema>;
export type BackupEntry = z.infer<typeof BackupEntrySchema>;

export function backupWrapInfo(userId: string, conversationId: string, version: number, backupVersion: number): Uint8Array {
  return tuple(BACKUP_WRAP_LABEL, userId, conversationId, i2osp(version, 4), i2osp(backupVersion, 4));
}

export function backupWrapAad(userId: string): Uint8Array {
  return tuple(BACKUP_WRAP_AAD_LABEL, userId);
}

export function backupEntrySigningInput(e: UnsignedBackupEntry | BackupEntry): Uint8Array {
  const { signature: _signature, ...body } = e as BackupEntry;
  void _signature;
  return tuple(BACKUP_ENTRY_DOMAIN, canonicalJson(body));
}

/** Seals one conversation key version to the backup key and signs the entry with the device key. `ephemeral`: vectors only. */
export async function createBackupEntry(
  provider: CryptoProvider,
  input: {
    readonly userId: string;
    readonly descriptor: Pick<BackupDescriptor, 'backupVersion' | 'backupKey'>;
    readonly conversationId: string;
    readonly version: number;
    readonly key: Uint8Array;
    readonly membership?: { seq: number; hash: string } | undefined;
    readonly acceptedAt: number;
    readonly deviceId: string;
    readonly signingPrivateKey: Uint8Array;
    readonly ephemeral?: RawKeyPair;
  },
): Promise<BackupEntry> {
  const { backupVersion, backupKey } = input.descriptor;
  const { enc, ct } = await sealBase(
    provider,
    bytesOf(backupKey),
    backupWrapInfo(input.userId, input.conversationId, input.version, backupVersion),
    backupWrapAad(input.userId),
    input.key,
    input.ephemeral,
  );
  const unsigned = parseWire(
    UnsignedBackupEntrySchema,
    {
      v: 1,
      userId: input.userId,
      backupVersion,
      conversationId: input.conversationId,
      version: input.version,
      enc: toBase64Url(enc),
      ct: toBase64Url(ct),
      ...(input.membership ? { membership: { seq: input.membership.seq, hash: input.membership.hash } } : {}),
      acceptedAt: input.acceptedAt,
      addedByDevice: input.deviceId,
    },
    'backup entry',
  );
  const signature = await provider.ed25519Sign(input.signingPrivateKey, backupEntrySigningInput(unsigned));
  return { ...unsigned, signature: toBase64Url(signature) };
}

/** Parses an entry and checks its device signature (`malformed`, `unsupported_version`, `bad_signature`). */
export async function verifyBackupEntry(
  provider: CryptoProvider,
  input: unknown,
  expect: { userId: string; backupVersion: number; deviceEd25519: (deviceId: string) => Uint8Array | undefined },
): Promise<BackupEntry> {
  const e = parseWire(BackupEntrySchema, input, 'backup entry');
  if (e.userId !== expect.userId) throw new BadSignatureError('backup entry is for another user');
  if (e.backupVersion !== expect.backupVersion) throw new WrongKeyVersionError('backup entry is for another backup version');
  const signer = expect.deviceEd25519(e.addedByDevice);
  if (signer === undefined || !(await provider.ed25519Verify(signer, backupEntrySigningInput(e), bytesOf(e.signature)))) {
    throw new BadSignatureError('backup entry is not signed by a certified device of the account');
  }
  return e;
}

/** Opens an entry with the backup private key: the 32-byte conversation key (`bad_tag` otherwise). */
export async function openBackupEntry(provider: CryptoProvider, e: BackupEntry, backup: RawKeyPair): Promise<Uint8Array> {
  try {
    return await openBase(
      provider,
      bytesOf(e.enc),
      backup.privateKey,
      backupWrapInfo(e.userId, e.conversationId, e.version, e.backupVersion),
      backupWrapAad(e.userId),
      bytesOf(e.ct),
      backup.publicKey,
    );
  } catch {
    throw new BadTagError('backup entry does not open with this backup key');
  }
}

// ---- restored wraps (§18.5 step 7) ----

/** Domain of a restored wrap's signature. */
export const RESTORED_WRAP_DOMAIN = 'seed-restored-wrap-v1';

const restoredFields = {
  v: z.literal(1),
  userId: UserIdSchema,
  deviceId: DeviceIdSchema,
  conversationId: ConversationIdSchema,
  version: KeyVersionNumber,
  wrap: KeyWrapSchema,
  membership: MembershipHeadSchema.optional(),
  acceptedAt: TimestampMs,
};
export const UnsignedRestoredWrapSchema = z.strictObject(restoredFields);
export const RestoredWrapSchema = z.strictObject({ ...restoredFields, signature: b64uField(64) });
export type UnsignedRestoredWrap = z.infer<typeof UnsignedRestoredWrapSchema>;
export type RestoredWrap = z.infer<typeof RestoredWrapSchema>;

export function restoredWrapSigningInput(w: UnsignedRestoredWrap | RestoredWrap): Uint8Array {
  const { signature: _signature, ...body } = w as RestoredWrap;
  void _signature;
  return tuple(RESTORED_WRAP_DOMAIN, canonicalJson(body));
}

/**
 * A key version a restored device got from the backup, wrapped (§5) to its own X25519 key and signed by its
 * own signing key, so it keeps the key across restarts without the recovery key: only the device itself
 * can make one it accepts.
 */
export async function createRestoredWrap(
  provider: CryptoProvider,
  input: {
    readonly userId: string;
    readonly device: { readonly deviceId: DeviceId; readonly x25519PublicKey: Uint8Array; readonly ed25519PrivateKey: Uint8Array };
    readonly conversationId: string;
    readonly version: number;
    readonly key: Uint8Array;
    readonly membership?: { seq: number; hash: string } | undefined;
    readonly acceptedAt: number;
  },
): Promise<RestoredWrap> {
  const wrap = await wrapKey(provider, {
    purpose: 'conversation',
    scopeId: input.conversationId,
    version: input.version,
    recipientDeviceId: input.device.deviceId,
    recipientPublicKey: input.device.x25519PublicKey,
    key: input.key,
  });
  const unsigned = parseWire(
    UnsignedRestoredWrapSchema,
    {
      v: 1,
      userId: input.userId,
      deviceId: input.device.deviceId,
      conversationId: input.conversationId,
      version: input.version,
      wrap,
      ...(input.membership ? { membership: { seq: input.membership.seq, hash: input.membership.hash } } : {}),
      acceptedAt: input.acceptedAt,
    },
    'restored wrap',
  );
  const signature = await provider.ed25519Sign(input.device.ed25519PrivateKey, restoredWrapSigningInput(unsigned));
  return { ...unsigned, signature: toBase64Url(signature) };
}

/** Parses a restored wrap and checks it is this device's own (user, device, wrap recipient, signature) → `malformed` / `bad_signature`. */
export async function verifyRestoredWrap(
  provider: CryptoProvider,
  input: unknown,
  expect: { readonly userId: string; readonly deviceId: string; readonly ed25519PublicKey: Uint8Array },
): Promise<RestoredWrap> {
  const w = parseWire(RestoredWrapSchema, input, 'restored wrap');
  if (w.userId !== expect.userId || w.deviceId !== expect.deviceId || w.wrap.deviceId !== expect.deviceId) {
    throw new BadSignatureError('restored wrap of another device');
  }
  if (!(await provider.ed25519Verify(expect.ed25519PublicKey, restoredWrapSigningInput(w), bytesOf(w.signature)))) {
    throw new BadSignatureError('restored wrap is not signed by this device');
  }
  return w;
}

/** Opens a verified restored wrap with the device's X25519 key (`bad_tag` otherwise). */
export function openRestoredWrap(
  provider: CryptoProvider,
  w: RestoredWrap,
  device: { readonly deviceId: DeviceId; readonly x25519PrivateKey: Uint8Array; readonly x25519PublicKey: Uint8Array },
): Promise<Uint8Array> {
  return unwrapKey(provider, {
    purpose: 'conversation',
    scopeId: w.conversationId,
    version: w.version,
    wrap: w.wrap,
    deviceId: device.deviceId,
    privateKey: device.x25519PrivateKey,
    publicKey: device.x25519PublicKey,
  });
}
