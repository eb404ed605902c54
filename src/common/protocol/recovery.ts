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
import { HpkeContext, keyScheduleBase } from '../crypto/hpke/context';
import { XWING_HPKE_SUITE_ID } from '../crypto/hpke/xwingBase';
import { XWING_CIPHERTEXT_LENGTH, XWING_PUBLIC_KEY_LENGTH, xwingDecapsulate, xwingEncapsulate, xwingGenerateKeyPair } from '../crypto/xwing';
import type { CryptoProvider, RawKeyPair } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { constantTimeEqual, i2osp, tuple } from '../encoding/bytes';
import { canonicalJson } from '../encoding/canonicalJson';
import { utf8Encode } from '../encoding/utf8';
import { AppError } from '../errors';
import { ConversationIdSchema, DeviceIdSchema, UserIdSchema, type DeviceId } from '../ids';
import { KeyWrapSchema, unwrapKey, wrapKey } from './keyWrap';
import { BadSignatureError, BadTagError, MalformedError, WrongKeyVersionError } from './errors';
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
/** Suite `xwing` (descriptor and entries v2, §18.10): the X-Wing backup key, device headers, AEAD entries. */
export const RECOVERY_BACKUP_XWING_KEY_LABEL = 'seed-recovery-backup-xwing-key-v2';
export const BACKUP_DESCRIPTOR_V2_DOMAIN = 'seed-key-backup-v2';
export const BACKUP_HEADER_DOMAIN = 'seed-key-backup-header-v2';
export const BACKUP_HEADER_INFO_LABEL = 'seed-backup-header-v2';
export const BACKUP_HEADER_EXPORT_LABEL = 'seed-backup-entries-v2';
export const BACKUP_HEADER_ESEED_SALT = 'seed-backup-header-eseed-v2';
export const BACKUP_ENTRY_V2_DOMAIN = 'seed-key-backup-entry-v2';
export const BACKUP_ENTRY_KEY_LABEL = 'seed-backup-entry-key-v2';
export const BACKUP_ENTRY_AAD_LABEL = 'seed-backup-entry-v2';
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

/** Parses a record of a format with versions 1 (suite x25519) and 2 (suite xwing): any other `v` is `unsupported_version`. */
function parseVersioned<A extends z.ZodType, B extends z.ZodType>(v1: A, v2: B, input: unknown, what: string): z.infer<A> | z.infer<B> {
  const v = typeof input === 'object' && input !== null ? (input as { v?: unknown }).v : undefined;
  return v === 2 ? parseWire(v2, input, what, 2) : parseWire(v1, input, what, 1);
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
  /** The X25519 backup key pair (private: the HKDF output as an RFC 7748 scalar string): suite `x25519`, descriptors v1. */
  readonly backup: RawKeyPair;
  /** The X-Wing backup key pair (private: the 32-byte X-Wing seed from HKDF): suite `xwing`, descriptors v2. */
  readonly backupXWing: RawKeyPair;
}

export async function deriveRecoveryKeys(provider: CryptoProvider, recoveryKey: Uint8Array, userId: string): Promise<RecoveryKeys> {
  if (recoveryKey.length !== RECOVERY_KEY_BYTES) throw new RangeError('a recovery key is 32 bytes');
  const prk = await hkdfExtract(provider, utf8Encode(RECOVERY_SALT), recoveryKey);
  try {
    const identityKey = await hkdfExpand(provider, prk, tuple(RECOVERY_IDENTITY_KEY_LABEL, userId), 32);
    const privateKey = await hkdfExpand(provider, prk, tuple(RECOVERY_BACKUP_KEY_LABEL, userId), 32);
    const xwingSeed = await hkdfExpand(provider, prk, tuple(RECOVERY_BACKUP_XWING_KEY_LABEL, userId), 32);
    return {
      identityKey,
      backup: { privateKey, publicKey: await provider.x25519PublicKey(privateKey) },
      backupXWing: xwingGenerateKeyPair(provider, xwingSeed),
    };
  } finally {
    prk.fill(0);
  }
}

/** Zeroes derived keys. */
export function wipeRecoveryKeys(keys: RecoveryKeys): void {
  keys.identityKey.fill(0);
  keys.backup.privateKey.fill(0);
  keys.backupXWing.privateKey.fill(0);
}

/** The backup public key of the suite a descriptor names, from derived keys (to compare with the descriptor's). */
export function derivedBackupKey(keys: Pick<RecoveryKeys, 'backup' | 'backupXWing'>, d: Pick<BackupDescriptor, 'v'>): Uint8Array {
  return d.v === 2 ? keys.backupXWing.publicKey : keys.backup.publicKey;
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
/**
 * Descriptor v2 (§18.10): suite `xwing`, `backupKey` the 1,216-byte X-Wing encapsulation key. `legacy`: the
 * X25519 backup version it upgraded in place (same recovery key), whose entries stay readable (§18.10.5).
 */
const descriptorV2Fields = {
  ...descriptorFields,
  v: z.literal(2),
  suite: z.literal('xwing'),
  backupKey: b64uField(XWING_PUBLIC_KEY_LENGTH),
  legacy: z.strictObject({ backupVersion: BackupVersionNumber, backupKey: b64uField(32) }).optional(),
};
const UnsignedBackupDescriptorV1Schema = z.strictObject(descriptorFields);
const UnsignedBackupDescriptorV2Schema = z.strictObject(descriptorV2Fields);
export const BackupDescriptorV1Schema = z.strictObject({ ...descriptorFields, signature: b64uField(64) });
export const BackupDescriptorV2Schema = z.strictObject({ ...descriptorV2Fields, signature: b64uField(64) });
export const UnsignedBackupDescriptorSchema = z.discriminatedUnion('v', [UnsignedBackupDescriptorV1Schema, UnsignedBackupDescriptorV2Schema]);
export const BackupDescriptorSchema = z.discriminatedUnion('v', [BackupDescriptorV1Schema, BackupDescriptorV2Schema]);
export type UnsignedBackupDescriptor = z.infer<typeof UnsignedBackupDescriptorSchema>;
export type BackupDescriptor = z.infer<typeof BackupDescriptorSchema>;
/** The suite of a descriptor (and of the entries its version takes). */
export function backupSuite(d: Pick<BackupDescriptor, 'v'>): 'x25519' | 'xwing' {
  return d.v === 2 ? 'xwing' : 'x25519';
}

export function identityBlobAad(userId: string, backupVersion: number): Uint8Array {
  return tuple(RECOVERY_IDENTITY_AAD_LABEL, userId, i2osp(backupVersion, 4));
}

export function backupDescriptorSigningInput(d: UnsignedBackupDescriptor | BackupDescriptor): Uint8Array {
  if (d.v === 2) {
    const { signature: _signature, ...body } = d as Extract<BackupDescriptor, { v: 2 }>;
    void _signature;
    return tuple(BACKUP_DESCRIPTOR_V2_DOMAIN, canonicalJson(body));
  }
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
    /** `xwing` (default: every new backup version is post-quantum) or `x25519` (tests of older releases' backups). */
    readonly suite?: 'xwing' | 'x25519';
    /** An in-place upgrade of an X25519 version made with the same recovery key: its entries stay readable. */
    readonly legacy?: { readonly backupVersion: number; readonly backupKey: string };
  },
): Promise<BackupDescriptor> {
  const nonce = input.nonce ?? provider.randomBytes(12);
  const ct = await provider.aes256GcmEncrypt(input.keys.identityKey, nonce, input.account.privateKey, identityBlobAad(input.userId, input.backupVersion));
  const xwing = (input.suite ?? 'xwing') === 'xwing';
  const unsigned = parseVersioned(
    UnsignedBackupDescriptorV1Schema,
    UnsignedBackupDescriptorV2Schema,
    {
      v: xwing ? 2 : 1,
      ...(xwing ? { suite: 'xwing' } : {}),
      userId: input.userId,
      backupVersion: input.backupVersion,
      backupKey: toBase64Url(xwing ? input.keys.backupXWing.publicKey : input.keys.backup.publicKey),
      ...(xwing && input.legacy ? { legacy: { backupVersion: input.legacy.backupVersion, backupKey: input.legacy.backupKey } } : {}),
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
  const d = parseVersioned(BackupDescriptorV1Schema, BackupDescriptorV2Schema, input, 'backup descriptor');
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
export const BackupEntryV1Schema = z.strictObject({ ...entryFields, signature: b64uField(64) });
export type UnsignedBackupEntry = z.infer<typeof UnsignedBackupEntrySchema>;
export type BackupEntryV1 = z.infer<typeof BackupEntryV1Schema>;

/**
 * A conversation key sealed with AES-256-GCM (nonce, 32-byte key + tag), with the version and membership
 * head it belongs to: the members entry v2 and the restored wrap v2 share, in this order (member order is
 * wire order: the vectors are re-made byte for byte).
 */
const sealedConversationKeyFields = {
  conversationId: ConversationIdSchema,
  version: KeyVersionNumber,
  nonce: b64uField(12),
  ct: b64uField(48),
  membership: MembershipHeadSchema.optional(),
  acceptedAt: TimestampMs,
};

/**
 * Entry v2 (suite `xwing`, §18.10.3): the conversation key sealed with AES-256-GCM under a key derived from
 * the adding device's header secret; no `enc` of its own.
 */
const entryV2Fields = {
  v: z.literal(2),
  suite: z.literal('xwing'),
  userId: UserIdSchema,
  backupVersion: BackupVersionNumber,
  ...sealedConversationKeyFields,
  addedByDevice: DeviceIdSchema,
};
export const UnsignedBackupEntryV2Schema = z.strictObject(entryV2Fields);
export const BackupEntryV2Schema = z.strictObject({ ...entryV2Fields, signature: b64uField(64) });
export type UnsignedBackupEntryV2 = z.infer<typeof UnsignedBackupEntryV2Schema>;
export type BackupEntryV2 = z.infer<typeof BackupEntryV2Schema>;

export const BackupEntrySchema = z.discriminatedUnion('v', [BackupEntryV1Schema, BackupEntryV2Schema]);
export type BackupEntry = z.infer<typeof BackupEntrySchema>;

export function backupWrapInfo(userId: string, conversationId: string, version: number, backupVersion: number): Uint8Array {
  return tuple(BACKUP_WRAP_LABEL, userId, conversationId, i2osp(version, 4), i2osp(backupVersion, 4));
}

export function backupWrapAad(userId: string): Uint8Array {
  return tuple(BACKUP_WRAP_AAD_LABEL, userId);
}

export function backupEntrySigningInput(e: UnsignedBackupEntry | UnsignedBackupEntryV2 | BackupEntry): Uint8Array {
  const { signature: _signature, ...body } = e as BackupEntry;
  void _signature;
  return tuple(e.v === 2 ? BACKUP_ENTRY_V2_DOMAIN : BACKUP_ENTRY_DOMAIN, canonicalJson(body));
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
): Promise<BackupEntryV1> {
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

/** Parses an entry (either suite) and checks its device signature (`malformed`, `unsupported_version`, `bad_signature`). */
export async function verifyBackupEntry(
  provider: CryptoProvider,
  input: unknown,
  expect: { userId: string; backupVersion: number; deviceEd25519: (deviceId: string) => Uint8Array | undefined },
): Promise<BackupEntry> {
  const e = parseVersioned(BackupEntryV1Schema, BackupEntryV2Schema, input, 'backup entry');
  await checkSignedForBackup(provider, 'backup entry', e, e.addedByDevice, backupEntrySigningInput(e), expect);
  return e;
}

/**
 * The checks every signed backup record passes (entries and device headers): this account, this backup
 * version, and a signature of the named device, certified for the account (`bad_signature`,
 * `wrong_key_version`).
 */
async function checkSignedForBackup(
  provider: CryptoProvider,
  what: string,
  record: { readonly userId: string; readonly backupVersion: number; readonly signature: string },
  deviceId: string,
  signingInput: Uint8Array,
  expect: { userId: string; backupVersion: number; deviceEd25519: (deviceId: string) => Uint8Array | undefined },
): Promise<void> {
  if (record.userId !== expect.userId) throw new BadSignatureError(`${what} is for another user`);
  if (record.backupVersion !== expect.backupVersion) throw new WrongKeyVersionError(`${what} is for another backup version`);
  const signer = expect.deviceEd25519(deviceId);
  if (signer === undefined || !(await provider.ed25519Verify(signer, signingInput, bytesOf(record.signature)))) {
    throw new BadSignatureError(`${what} is not signed by a certified device of the account`);
  }
}

/** Opens an entry with the backup private key: the 32-byte conversation key (`bad_tag` otherwise). */
export async function openBackupEntry(provider: CryptoProvider, e: BackupEntryV1, backup: RawKeyPair): Promise<Uint8Array> {
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

// ---- suite xwing: device headers and AEAD entries (§18.10) ----

const headerFields = {
  v: z.literal(2),
  suite: z.literal('xwing'),
  userId: UserIdSchema,
  backupVersion: BackupVersionNumber,
  deviceId: DeviceIdSchema,
  enc: b64uField(XWING_CIPHERTEXT_LENGTH),
};
export const UnsignedBackupHeaderSchema = z.strictObject(headerFields);
/** A device backup header: one X-Wing encapsulation to the backup key per (device, backup version), signed by the device. */
export const BackupHeaderSchema = z.strictObject({ ...headerFields, signature: b64uField(64) });
export type UnsignedBackupHeader = z.infer<typeof UnsignedBackupHeaderSchema>;
export type BackupHeader = z.infer<typeof BackupHeaderSchema>;

export function backupHeaderSigningInput(h: UnsignedBackupHeader | BackupHeader): Uint8Array {
  const { signature: _signature, ...body } = h as BackupHeader;
  void _signature;
  return tuple(BACKUP_HEADER_DOMAIN, canonicalJson(body));
}

/** HPKE info of a header's encapsulation: binds the account, the device and the backup version. */
export function backupHeaderInfo(userId: string, deviceId: string, backupVersion: number): Uint8Array {
  return tuple(BACKUP_HEADER_INFO_LABEL, userId, deviceId, i2osp(backupVersion, 4));
}

/** AAD of an entry v2: account, backup version, adding device, conversation and key version. */
export function backupEntryV2Aad(userId: string, backupVersion: number, deviceId: string, conversationId: string, version: number): Uint8Array {
  return tuple(BACKUP_ENTRY_AAD_LABEL, userId, i2osp(backupVersion, 4), deviceId, conversationId, i2osp(version, 4));
}

/** The 32-byte header secret: HPKE (X-Wing, HKDF-SHA256, AES-256-GCM) base-mode Export("seed-backup-entries-v2", 32). */
async function headerSecret(provider: CryptoProvider, sharedSecret: Uint8Array, info: Uint8Array): Promise<Uint8Array> {
  const context = new HpkeContext(provider, await keyScheduleBase(provider, sharedSecret, info, XWING_HPKE_SUITE_ID));
  return context.export(utf8Encode(BACKUP_HEADER_EXPORT_LABEL), 32);
}

/** The key of one entry: HKDF-Expand(header secret, tuple(label, conversationId, I2OSP(version, 4)), 32). */
export function backupEntryKey(provider: CryptoProvider, secret: Uint8Array, conversationId: string, version: number): Promise<Uint8Array> {
  return hkdfExpand(provider, secret, tuple(BACKUP_ENTRY_KEY_LABEL, conversationId, i2osp(version, 4)), 32);
}

/** What a device holds to seal its entries of one backup version (the secret is wiped by `wipe`). */
export interface BackupSealer {
  readonly header: BackupHeader;
  readonly secret: Uint8Array;
}

/**
 * The header of this device for a backup version, and its secret. The encapsulation is derandomized from a
 * secret of the device: eseed = HKDF(salt = "seed-backup-header-eseed-v2", ikm = the device's Ed25519
 * private seed, info = tuple(userId, deviceId, I2OSP(backupVersion, 4), backupKey), 64), so a restarted
 * device makes the same header again (one per device and version, nothing secret kept on disk). The seed,
 * not the X25519 key: a quantum computer recovers an X25519 (or Ed25519) private scalar from its public key,
 * never the seed the Ed25519 scalar is hashed from. `eseed` overrides: vectors only.
 */
export async function createBackupHeader(
  provider: CryptoProvider,
  input: {
    readonly userId: string;
    readonly descriptor: Pick<BackupDescriptor, 'v' | 'backupVersion' | 'backupKey'>;
    readonly deviceId: string;
    /** The device's Ed25519 private seed (the same as `signingPrivateKey`, used through HKDF with its own label). */
    readonly signingPrivateKey: Uint8Array;
    readonly eseed?: Uint8Array;
  },
): Promise<BackupSealer> {
  const { backupVersion, backupKey } = input.descriptor;
  if (input.descriptor.v !== 2) throw new MalformedError('a backup header needs an X-Wing backup key (descriptor v2)');
  const pk = bytesOf(backupKey);
  let eseed = input.eseed;
  if (eseed === undefined) {
    const prk = await hkdfExtract(provider, utf8Encode(BACKUP_HEADER_ESEED_SALT), input.signingPrivateKey);
    eseed = await hkdfExpand(provider, prk, tuple(input.userId, input.deviceId, i2osp(backupVersion, 4), pk), 64);
    prk.fill(0);
  }
  const { sharedSecret, ciphertext } = await xwingEncapsulate(provider, pk, eseed);
  if (input.eseed === undefined) eseed.fill(0);
  const secret = await headerSecret(provider, sharedSecret, backupHeaderInfo(input.userId, input.deviceId, backupVersion));
  sharedSecret.fill(0);
  const unsigned = parseWire(
    UnsignedBackupHeaderSchema,
    { v: 2, suite: 'xwing', userId: input.userId, backupVersion, deviceId: input.deviceId, enc: toBase64Url(ciphertext) },
    'backup header',
    2,
  );
  const signature = await provider.ed25519Sign(input.signingPrivateKey, backupHeaderSigningInput(unsigned));
  return { header: { ...unsigned, signature: toBase64Url(signature) }, secret };
}

/**
 * Parses a header and checks it: this account, this backup version, signed by the device it names, which
 * must be a certified device of the account (`malformed` — a truncated enc among others —,
 * `wrong_key_version`, `bad_signature`).
 */
export async function verifyBackupHeader(
  provider: CryptoProvider,
  input: unknown,
  expect: { userId: string; backupVersion: number; deviceEd25519: (deviceId: string) => Uint8Array | undefined },
): Promise<BackupHeader> {
  const h = parseWire(BackupHeaderSchema, input, 'backup header', 2);
  await checkSignedForBackup(provider, 'backup header', h, h.deviceId, backupHeaderSigningInput(h), expect);
  return h;
}

/** Decapsulates a verified header with the X-Wing backup key: its 32-byte secret (one decapsulation per header). */
export async function openBackupHeader(provider: CryptoProvider, h: BackupHeader, backupXWing: RawKeyPair): Promise<Uint8Array> {
  const sharedSecret = await xwingDecapsulate(provider, bytesOf(h.enc), backupXWing.privateKey);
  try {
    return await headerSecret(provider, sharedSecret, backupHeaderInfo(h.userId, h.deviceId, h.backupVersion));
  } finally {
    sharedSecret.fill(0);
  }
}

/** Seals one conversation key version under the device's header secret and signs the entry. `nonce`: vectors only. */
export async function createBackupEntryV2(
  provider: CryptoProvider,
  input: {
    readonly sealer: BackupSealer;
    readonly conversationId: string;
    readonly version: number;
    readonly key: Uint8Array;
    readonly membership?: { seq: number; hash: string } | undefined;
    readonly acceptedAt: number;
    readonly signingPrivateKey: Uint8Array;
    readonly nonce?: Uint8Array;
  },
): Promise<BackupEntryV2> {
  const { userId, backupVersion, deviceId } = input.sealer.header;
  const nonce = input.nonce ?? provider.randomBytes(12);
  const key = await backupEntryKey(provider, input.sealer.secret, input.conversationId, input.version);
  let ct: Uint8Array;
  try {
    ct = await provider.aes256GcmEncrypt(key, nonce, input.key, backupEntryV2Aad(userId, backupVersion, deviceId, input.conversationId, input.version));
  } finally {
    key.fill(0);
  }
  const unsigned = parseWire(
    UnsignedBackupEntryV2Schema,
    {
      v: 2,
      suite: 'xwing',
      userId,
      backupVersion,
      conversationId: input.conversationId,
      version: input.version,
      nonce: toBase64Url(nonce),
      ct: toBase64Url(ct),
      ...(input.membership ? { membership: { seq: input.membership.seq, hash: input.membership.hash } } : {}),
      acceptedAt: input.acceptedAt,
      addedByDevice: deviceId,
    },
    'backup entry',
    2,
  );
  const signature = await provider.ed25519Sign(input.signingPrivateKey, backupEntrySigningInput(unsigned));
  return { ...unsigned, signature: toBase64Url(signature) };
}

/**
 * Opens an entry v2 with the secret of its device's header (`header`: the verified header it was found
 * under). An entry of another device than the header's is `bad_signature`; one that does not open — sealed
 * under another header, or moved to another conversation, version, device or backup version — `bad_tag`.
 */
export async function openBackupEntryV2(provider: CryptoProvider, e: BackupEntryV2, header: BackupHeader, secret: Uint8Array): Promise<Uint8Array> {
  if (header.deviceId !== e.addedByDevice || header.userId !== e.userId || header.backupVersion !== e.backupVersion) {
    throw new BadSignatureError("backup entry is not under its device's header");
  }
  const key = await backupEntryKey(provider, secret, e.conversationId, e.version);
  try {
    const pt = await provider.aes256GcmDecrypt(
      key,
      bytesOf(e.nonce),
      bytesOf(e.ct),
      backupEntryV2Aad(e.userId, e.backupVersion, e.addedByDevice, e.conversationId, e.version),
    );
    if (pt === null) throw new BadTagError("backup entry does not open under its device's header");
    return pt;
  } finally {
    key.fill(0);
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
export const RestoredWrapV1Schema = z.strictObject({ ...restoredFields, signature: b64uField(64) });

/**
 * Restored wrap v2 (§18.10.7): the key sealed with AES-256-GCM under a key only this device derives from its
 * Ed25519 seed — no X25519 (a quantum computer would open an X25519 wrap recorded today), no KEM at all.
 */
const restoredV2Fields = {
  v: z.literal(2),
  userId: UserIdSchema,
  deviceId: DeviceIdSchema,
  ...sealedConversationKeyFields,
};
const UnsignedRestoredWrapV2Schema = z.strictObject(restoredV2Fields);
export const RestoredWrapV2Schema = z.strictObject({ ...restoredV2Fields, signature: b64uField(64) });
export const RestoredWrapSchema = z.discriminatedUnion('v', [RestoredWrapV1Schema, RestoredWrapV2Schema]);
export type UnsignedRestoredWrap = z.infer<typeof UnsignedRestoredWrapSchema> | z.infer<typeof UnsignedRestoredWrapV2Schema>;
export type RestoredWrap = z.infer<typeof RestoredWrapSchema>;

export const RESTORED_WRAP_V2_DOMAIN = 'seed-restored-wrap-v2';
export const RESTORED_WRAP_KEY_SALT = 'seed-restored-wrap-key-v2';
export const RESTORED_WRAP_AAD_LABEL = 'seed-restored-wrap-aad-v2';

export function restoredWrapSigningInput(w: UnsignedRestoredWrap | RestoredWrap): Uint8Array {
  const { signature: _signature, ...body } = w as RestoredWrap;
  void _signature;
  return tuple(w.v === 2 ? RESTORED_WRAP_V2_DOMAIN : RESTORED_WRAP_DOMAIN, canonicalJson(body));
}

/** The device's own key of its restored wraps v2: HKDF(salt, ikm = its Ed25519 seed, info = tuple(userId, deviceId), 32). */
async function restoredWrapKey(provider: CryptoProvider, ed25519Seed: Uint8Array, userId: string, deviceId: string): Promise<Uint8Array> {
  const prk = await hkdfExtract(provider, utf8Encode(RESTORED_WRAP_KEY_SALT), ed25519Seed);
  try {
    return await hkdfExpand(provider, prk, tuple(userId, deviceId), 32);
  } finally {
    prk.fill(0);
  }
}

function restoredWrapAad(userId: string, deviceId: string, conversationId: string, version: number): Uint8Array {
  return tuple(RESTORED_WRAP_AAD_LABEL, userId, deviceId, conversationId, i2osp(version, 4));
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
    /** `x25519`: the format of earlier releases (tests only); default v2. */
    readonly suite?: 'x25519';
  },
): Promise<RestoredWrap> {
  if (input.suite === undefined) {
    const { userId, conversationId, version } = input;
    const { deviceId, ed25519PrivateKey } = input.device;
    const key = await restoredWrapKey(provider, ed25519PrivateKey, userId, deviceId);
    const nonce = provider.randomBytes(12);
    let ct: Uint8Array;
    try {
      ct = await provider.aes256GcmEncrypt(key, nonce, input.key, restoredWrapAad(userId, deviceId, conversationId, version));
    } finally {
      key.fill(0);
    }
    const unsigned = parseWire(
      UnsignedRestoredWrapV2Schema,
      {
        v: 2,
        userId,
        deviceId,
        conversationId,
        version,
        nonce: toBase64Url(nonce),
        ct: toBase64Url(ct),
        ...(input.membership ? { membership: { seq: input.membership.seq, hash: input.membership.hash } } : {}),
        acceptedAt: input.acceptedAt,
      },
      'restored wrap',
      2,
    );
    const signature = await provider.ed25519Sign(ed25519PrivateKey, restoredWrapSigningInput(unsigned));
    return { ...unsigned, signature: toBase64Url(signature) };
  }
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
  const w = parseVersioned(RestoredWrapV1Schema, RestoredWrapV2Schema, input, 'restored wrap');
  if (w.userId !== expect.userId || w.deviceId !== expect.deviceId || (w.v === 1 && w.wrap.deviceId !== expect.deviceId)) {
    throw new BadSignatureError('restored wrap of another device');
  }
  if (!(await provider.ed25519Verify(expect.ed25519PublicKey, restoredWrapSigningInput(w), bytesOf(w.signature)))) {
    throw new BadSignatureError('restored wrap is not signed by this device');
  }
  return w;
}

/** Opens a verified restored wrap: v2 with the device's Ed25519 seed, v1 with its X25519 key (`bad_tag` otherwise). */
export async function openRestoredWrap(
  provider: CryptoProvider,
  w: RestoredWrap,
  device: {
    readonly deviceId: DeviceId;
    readonly x25519PrivateKey: Uint8Array;
    readonly x25519PublicKey: Uint8Array;
    readonly ed25519PrivateKey: Uint8Array;
  },
): Promise<Uint8Array> {
  if (w.v === 2) {
    const key = await restoredWrapKey(provider, device.ed25519PrivateKey, w.userId, w.deviceId);
    try {
      const pt = await provider.aes256GcmDecrypt(key, bytesOf(w.nonce), bytesOf(w.ct), restoredWrapAad(w.userId, w.deviceId, w.conversationId, w.version));
      if (pt === null) throw new BadTagError('restored wrap does not open with this device key');
      return pt;
    } finally {
      key.fill(0);
    }
  }
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
