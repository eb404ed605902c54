/**
 * Conversation key-version records (docs/protocol.md §6): one version of a conversation key,
 * wrapped for every member device and signed by the creating device's Ed25519 key.
 *
 * The signature covers the record's header and, per member device, a digest of that device's wrap
 * (§6.2), so a device that receives only its own wrap (what the key service hands out) can still verify
 * the signature and that its wrap is the one the creator made:
 *   wrapDigest = SHA-256(tuple("seed-key-wrap-digest-v1", canonicalJson({deviceId, suite?, enc, ct})))
 *   signature  = Ed25519(creator, tuple("seed-key-version-v1", canonicalJson(public record without signature)))
 * where the public record is the header, `memberDevices` and `wrapDigests` (same order as memberDevices).
 * `memberDevices` is sorted (UTF-16 code-unit order) and unique; `wraps` lists exactly one wrap per member
 * device, in the same order. The digest covers a wrap's `suite` (§5.1), so the creator's choice of suite
 * per device is signed: swapping an X-Wing wrap for a classical one breaks the signature.
 */
import { z } from 'zod';
import type { CryptoProvider, RawKeyPair } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import { canonicalJson } from '../encoding/canonicalJson';
import { ConversationIdSchema, DeviceIdSchema, type ConversationId, type DeviceId } from '../ids';
import { IncompleteWrapsError, MalformedError, NotARecipientError } from './errors';
import { KeyWrapSchema, unwrapKey, wrapKeyForDevices, type KeyWrap } from './keyWrap';
import { MembershipHeadSchema, type MembershipHead } from './membershipHead';
import { b64uField, KeyVersionNumber, parseWire, TimestampMs } from './wire';

/** Domain separation label of the record signature. */
export const KEY_VERSION_DOMAIN = 'seed-key-version-v1';

/** Domain separation label of a wrap digest. */
export const WRAP_DIGEST_DOMAIN = 'seed-key-wrap-digest-v1';

/** Most member devices one record may hold. */
export const MAX_MEMBER_DEVICES = 10_000;

const headerFields = {
  v: z.literal(1),
  conversationId: ConversationIdSchema,
  version: KeyVersionNumber,
  createdAt: TimestampMs,
  createdByDevice: DeviceIdSchema,
  memberDevices: z.array(DeviceIdSchema).min(1).max(MAX_MEMBER_DEVICES),
  /** The membership head the version was made for (§15); absent only in records made before statements existed. */
  membership: MembershipHeadSchema.optional(),
};
const wraps = z.array(KeyWrapSchema).max(MAX_MEMBER_DEVICES);
const wrapDigests = z.array(b64uField(32)).max(MAX_MEMBER_DEVICES);

/** The full record a creator submits: every member device's wrap. */
export const UnsignedKeyVersionRecordSchema = z.strictObject({ ...headerFields, wraps });
export const KeyVersionRecordSchema = z.strictObject({ ...headerFields, wraps, signature: b64uField(64) });

/** The public record every member may see: the header, the wrap digests and the signature, no wraps. */
export const UnsignedPublicKeyVersionRecordSchema = z.strictObject({ ...headerFields, wrapDigests });
export const PublicKeyVersionRecordSchema = z.strictObject({ ...headerFields, wrapDigests, signature: b64uField(64) });

export type UnsignedKeyVersionRecord = z.infer<typeof UnsignedKeyVersionRecordSchema>;
export type KeyVersionRecord = z.infer<typeof KeyVersionRecordSchema>;
export type UnsignedPublicKeyVersionRecord = z.infer<typeof UnsignedPublicKeyVersionRecordSchema>;
export type PublicKeyVersionRecord = z.infer<typeof PublicKeyVersionRecordSchema>;

/** Compares ids by UTF-16 code units — the order of `memberDevices`, `wraps` and `wrapDigests`. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkSortedMembers(memberDevices: readonly string[], what: string): void {
  for (let i = 1; i < memberDevices.length; i++) {
    if (compareIds(memberDevices[i - 1] ?? '', memberDevices[i] ?? '') >= 0) {
      throw new MalformedError(`${what}: memberDevices must be sorted and unique`);
    }
  }
}

/** Parses a full record from untrusted JSON: schema, then `memberDevices` strictly ascending. No signature check. */
export function parseKeyVersionRecord(input: unknown): KeyVersionRecord {
  const record = parseWire(KeyVersionRecordSchema, input, 'key-version record');
  checkSortedMembers(record.memberDevices, 'key-version record');
  return record;
}

/** Parses a public record: schema, `memberDevices` strictly ascending, one digest per member device. */
export function parsePublicKeyVersionRecord(input: unknown): PublicKeyVersionRecord {
  const record = parseWire(PublicKeyVersionRecordSchema, input, 'public key-version record');
  checkSortedMembers(record.memberDevices, 'public key-version record');
  if (record.wrapDigests.length !== record.memberDevices.length) {
    throw new IncompleteWrapsError(
      `public key-version record lists ${record.wrapDigests.length} wrap digests for ${record.memberDevices.length} member devices`,
    );
  }
  return record;
}

/** The exact bytes hashed for one wrap's digest (§6.2). */
export function wrapDigestInput(wrap: KeyWrap): Uint8Array {
  // No `suite` member for the original suite: the digests of classical wraps are what they always were.
  const body =
    wrap.suite === undefined
      ? { deviceId: wrap.deviceId, enc: wrap.enc, ct: wrap.ct }
      : { deviceId: wrap.deviceId, suite: wrap.suite, enc: wrap.enc, ct: wrap.ct };
  return tuple(WRAP_DIGEST_DOMAIN, canonicalJson(body));
}

/** SHA-256 digest of one wrap, base64url (§6.2). */
export async function wrapDigest(provider: CryptoProvider, wrap: KeyWrap): Promise<string> {
  return toBase64Url(await provider.sha256(wrapDigestInput(wrap)));
}

/** The public part of a full record: wraps replaced by their digests, in the same order. */
export async function publicKeyVersionRecord<R extends UnsignedKeyVersionRecord | KeyVersionRecord>(
  provider: CryptoProvider,
  record: R,
): Promise<R extends KeyVersionRecord ? PublicKeyVersionRecord : UnsignedPublicKeyVersionRecord> {
  const digests = await Promise.all(record.wraps.map((w) => wrapDigest(provider, w)));
  const out: UnsignedPublicKeyVersionRecord & { signature?: string } = {
    v: record.v,
    conversationId: record.conversationId,
    version: record.version,
    createdAt: record.createdAt,
    createdByDevice: record.createdByDevice,
    memberDevices: record.memberDevices,
    ...(record.membership === undefined ? {} : { membership: record.membership }),
    wrapDigests: digests,
  };
  if ('signature' in record) out.signature = record.signature;
  return out as R extends KeyVersionRecord ? PublicKeyVersionRecord : UnsignedPublicKeyVersionRecord;
}

/** The canonical JSON of the public record without its signature (what the signature covers, after the label). */
export function keyVersionRecordCanonicalJson(record: UnsignedPublicKeyVersionRecord | PublicKeyVersionRecord): string {
  const body: UnsignedPublicKeyVersionRecord = {
    v: record.v,
    conversationId: record.conversationId,
    version: record.version,
    createdAt: record.createdAt,
    createdByDevice: record.createdByDevice,
    memberDevices: record.memberDevices,
    ...(record.membership === undefined ? {} : { membership: record.membership }),
    wrapDigests: record.wrapDigests,
  };
  return canonicalJson(body);
}

/** The exact bytes the creating device signs (over the public record). */
export function keyVersionSigningInput(record: UnsignedPublicKeyVersionRecord | PublicKeyVersionRecord): Uint8Array {
  return tuple(KEY_VERSION_DOMAIN, keyVersionRecordCanonicalJson(record));
}

/** A recipient device of a new key version. */
export interface KeyRecipient {
  readonly deviceId: DeviceId;
  /** The device's X25519 public key (raw 32 bytes, from its verified certificate). */
  readonly x25519PublicKey: Uint8Array;
  /** The device's X-Wing public key (1216 bytes) when its verified certificate has one: its wrap is then X-Wing (§5.1). */
  readonly xwingPublicKey?: Uint8Array;
}

/** Inputs of `createKeyVersionRecord`. */
export interface CreateKeyVersionInput {
  readonly conversationId: ConversationId;
  readonly version: number;
  readonly createdAt: number;
  readonly createdByDevice: DeviceId;
  /** The creating device's Ed25519 private key. */
  readonly signingPrivateKey: Uint8Array;
  /** Every member device, the creator included; order does not matter, duplicates are an error. */
  readonly recipients: readonly KeyRecipient[];
  /** The membership head the version is made for (§15); omitted only by tests of records older than statements. */
  readonly membership?: MembershipHead;
  /** The new conversation key; a random one when omitted. */
  readonly conversationKey?: Uint8Array;
  /** Test-vector generation only: ephemeral key pairs by device id. */
  readonly ephemerals?: ReadonlyMap<string, RawKeyPair>;
  /** Test-vector generation only: X-Wing encapsulation randomness (64 bytes) by device id. */
  readonly eseeds?: ReadonlyMap<string, Uint8Array>;
}

/** Generates (or takes) a conversation key, wraps it for every recipient and signs the record. */
export async function createKeyVersionRecord(
  provider: CryptoProvider,
  input: CreateKeyVersionInput,
): Promise<{ record: KeyVersionRecord; conversationKey: Uint8Array }> {
  const conversationKey = input.conversationKey ?? provider.randomBytes(32);
  const recipients = [...input.recipients].sort((a, b) => compareIds(a.deviceId, b.deviceId));
  for (let i = 1; i < recipients.length; i++) {
    if (recipients[i - 1]?.deviceId === recipients[i]?.deviceId) throw new MalformedError(`key-version record: duplicate recipient ${recipients[i]?.deviceId}`);
  }
  const made = await wrapKeyForDevices(provider, {
    purpose: 'conversation',
    scopeId: input.conversationId,
    version: input.version,
    key: conversationKey,
    recipients: recipients.map((r) => ({
      recipientDeviceId: r.deviceId,
      recipientPublicKey: r.x25519PublicKey,
      ...(r.xwingPublicKey !== undefined ? { recipientXWingPublicKey: r.xwingPublicKey } : {}),
      ephemeral: input.ephemerals?.get(r.deviceId),
      eseed: input.eseeds?.get(r.deviceId),
    })),
  });
  const unsigned = parseWire(
    UnsignedKeyVersionRecordSchema,
    {
      v: 1,
      conversationId: input.conversationId,
      version: input.version,
      createdAt: input.createdAt,
      createdByDevice: input.createdByDevice,
      memberDevices: recipients.map((r) => r.deviceId),
      ...(input.membership === undefined ? {} : { membership: input.membership }),
      wraps: made,
    },
    'key-version record',
  );
  const signingInput = keyVersionSigningInput(await publicKeyVersionRecord(provider, unsigned));
  const signature = await provider.ed25519Sign(input.signingPrivateKey, signingInput);
  return { record: { ...unsigned, signature: toBase64Url(signature) }, conversationKey };
}

/** Unwraps one wrap of a version (verify it first: `verifyKeyVersionRecord` or `verifyDeviceKeyVersion`). */
export async function unwrapConversationKey(
  provider: CryptoProvider,
  at: { readonly conversationId: ConversationId; readonly version: number },
  wrap: KeyWrap,
  device: { readonly deviceId: DeviceId; readonly x25519PrivateKey: Uint8Array; readonly x25519PublicKey?: Uint8Array; readonly xwingPrivateKey?: Uint8Array },
): Promise<Uint8Array> {
  return unwrapKey(provider, {
    purpose: 'conversation',
    scopeId: at.conversationId,
    version: at.version,
    wrap,
    deviceId: device.deviceId,
    privateKey: device.x25519PrivateKey,
    publicKey: device.x25519PublicKey,
    ...(device.xwingPrivateKey !== undefined ? { xwingPrivateKey: device.xwingPrivateKey } : {}),
  });
}

/** Unwraps this device's copy of the conversation key from a full record (verify the record first). */
export async function unwrapKeyVersionRecord(
  provider: CryptoProvider,
  record: KeyVersionRecord,
  device: { readonly deviceId: DeviceId; readonly x25519PrivateKey: Uint8Array; readonly x25519PublicKey?: Uint8Array; readonly xwingPrivateKey?: Uint8Array },
): Promise<Uint8Array> {
  const wrap = record.wraps.find((w) => w.deviceId === device.deviceId);
  if (!wrap) throw new NotARecipientError(`key-version record ${record.conversationId}#${record.version} has no wrap for device ${device.deviceId}`);
  return unwrapConversationKey(provider, record, wrap, device);
}
