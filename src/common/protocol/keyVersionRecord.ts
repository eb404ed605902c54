/**
 * Conversation key-version records (DESIGN.md §3, docs/protocol.md §6): one version of a conversation key,
 * wrapped for every member device and signed by the creating device's Ed25519 key.
 * Signature input = tuple("seed-key-version-v1", canonicalJson(record without `signature`)).
 * `memberDevices` is sorted (UTF-16 code-unit order) and unique; `wraps` lists exactly one wrap per member
 * device, in the same order.
 */
import { z } from 'zod';
import type { CryptoProvider, RawKeyPair } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import { canonicalJson } from '../encoding/canonicalJson';
import { ConversationIdSchema, DeviceIdSchema, type ConversationId, type DeviceId } from '../ids';
import { MalformedError, NotARecipientError } from './errors';
import { KeyWrapSchema, unwrapKey, wrapKey, type KeyWrap } from './keyWrap';
import { b64uField, KeyVersionNumber, parseWire, TimestampMs } from './wire';

/** Domain separation label of the record signature. */
export const KEY_VERSION_DOMAIN = 'seed-key-version-v1';

/** Most member devices one record may hold. */
export const MAX_MEMBER_DEVICES = 10_000;

const recordFields = {
  v: z.literal(1),
  conversationId: ConversationIdSchema,
  version: KeyVersionNumber,
  createdAt: TimestampMs,
  createdByDevice: DeviceIdSchema,
  memberDevices: z.array(DeviceIdSchema).min(1).max(MAX_MEMBER_DEVICES),
  wraps: z.array(KeyWrapSchema).max(MAX_MEMBER_DEVICES),
};

export const UnsignedKeyVersionRecordSchema = z.strictObject(recordFields);
export const KeyVersionRecordSchema = z.strictObject({ ...recordFields, signature: b64uField(64) });

export type UnsignedKeyVersionRecord = z.infer<typeof UnsignedKeyVersionRecordSchema>;
export type KeyVersionRecord = z.infer<typeof KeyVersionRecordSchema>;

/** Compares ids by UTF-16 code units — the order of `memberDevices` and `wraps`. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parses a record from untrusted JSON: schema, then `memberDevices` strictly ascending. No signature check. */
export function parseKeyVersionRecord(input: unknown): KeyVersionRecord {
  const record = parseWire(KeyVersionRecordSchema, input, 'key-version record');
  for (let i = 1; i < record.memberDevices.length; i++) {
    if (compareIds(record.memberDevices[i - 1] ?? '', record.memberDevices[i] ?? '') >= 0) {
      throw new MalformedError('key-version record: memberDevices must be sorted and unique');
    }
  }
  return record;
}

/** The canonical JSON bytes of the record without its signature (what the signature covers, after the label). */
export function keyVersionRecordCanonicalJson(record: UnsignedKeyVersionRecord | KeyVersionRecord): string {
  const body: UnsignedKeyVersionRecord = {
    v: record.v,
    conversationId: record.conversationId,
    version: record.version,
    createdAt: record.createdAt,
    createdByDevice: record.createdByDevice,
    memberDevices: record.memberDevices,
    wraps: record.wraps.map((w) => ({ deviceId: w.deviceId, enc: w.enc, ct: w.ct })),
  };
  return canonicalJson(body);
}

/** The exact bytes the creating device signs. */
export function keyVersionSigningInput(record: UnsignedKeyVersionRecord | KeyVersionRecord): Uint8Array {
  return tuple(KEY_VERSION_DOMAIN, keyVersionRecordCanonicalJson(record));
}

/** A recipient device of a new key version. */
export interface KeyRecipient {
  readonly deviceId: DeviceId;
  /** The device's X25519 public key (raw 32 bytes, from its verified certificate). */
  readonly x25519PublicKey: Uint8Array;
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
  /** The new conversation key; a random one when omitted. */
  readonly conversationKey?: Uint8Array;
  /** Test-vector generation only: ephemeral key pairs by device id. */
  readonly ephemerals?: ReadonlyMap<string, RawKeyPair>;
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
  const wraps: KeyWrap[] = [];
  for (const r of recipients) {
    wraps.push(
      await wrapKey(provider, {
        purpose: 'conversation',
        scopeId: input.conversationId,
        version: input.version,
        recipientDeviceId: r.deviceId,
        recipientPublicKey: r.x25519PublicKey,
        key: conversationKey,
        ephemeral: input.ephemerals?.get(r.deviceId),
      }),
    );
  }
  const unsigned = parseWire(
    UnsignedKeyVersionRecordSchema,
    {
      v: 1,
      conversationId: input.conversationId,
      version: input.version,
      createdAt: input.createdAt,
      createdByDevice: input.createdByDevice,
      memberDevices: recipients.map((r) => r.deviceId),
      wraps,
    },
    'key-version record',
  );
  const signature = await provider.ed25519Sign(input.signingPrivateKey, keyVersionSigningInput(unsigned));
  return { record: { ...unsigned, signature: toBase64Url(signature) }, conversationKey };
}

/** Unwraps this device's copy of the conversation key (verify the record first: `verifyKeyVersionRecord`). */
export async function unwrapKeyVersionRecord(
  provider: CryptoProvider,
  record: KeyVersionRecord,
  device: { readonly deviceId: DeviceId; readonly x25519PrivateKey: Uint8Array; readonly x25519PublicKey?: Uint8Array },
): Promise<Uint8Array> {
  const wrap = record.wraps.find((w) => w.deviceId === device.deviceId);
  if (!wrap) throw new NotARecipientError(`key-version record ${record.conversationId}#${record.version} has no wrap for device ${device.deviceId}`);
  return unwrapKey(provider, {
    purpose: 'conversation',
    scopeId: record.conversationId,
    version: record.version,
    wrap,
    deviceId: device.deviceId,
    privateKey: device.x25519PrivateKey,
    publicKey: device.x25519PublicKey,
  });
}
