/**
 * Verification of a key-version record (docs/protocol.md §6.3), in this order: parse (malformed,
 * unsupported_version), conversation and version as expected (wrong_conversation, wrong_key_version), wraps
 * or wrap digests cover exactly memberDevices (incomplete_wraps), memberDevices as expected
 * (member_mismatch), signer is a member (signer_not_member), signer certified by the trusted account key
 * (signer_not_certified, bad_signature), record signature over the public record (bad_signature).
 *
 * `verifyKeyVersionRecord` checks a full record (what a creator submits; the key service runs it).
 * `verifyDeviceKeyVersion` checks what a device fetches — the public record plus its own wrap — and, when
 * the device is one of the record's member devices, that the wrap's digest is the one the signature covers
 * (§6.4; bad_signature otherwise); when it is not, that a valid grant chain covers the wrap (§6.5;
 * uncovered_wrap or the grant's error otherwise). A wrap covered by neither is never returned.
 */
import type { CryptoProvider } from '../crypto/provider';
import type { ConversationId, DeviceId } from '../ids';
import { verifyDeviceCertificate } from './deviceCertificate';
import {
  BadSignatureError,
  IncompleteWrapsError,
  MemberMismatchError,
  SignerNotCertifiedError,
  SignerNotMemberError,
  UncoveredWrapError,
  WrongConversationError,
  WrongKeyVersionError,
} from './errors';
import {
  parseKeyVersionRecord,
  parsePublicKeyVersionRecord,
  publicKeyVersionRecord,
  keyVersionSigningInput,
  wrapDigest,
  type KeyVersionRecord,
  type PublicKeyVersionRecord,
} from './keyVersionRecord';
import { KeyWrapSchema, type KeyWrap } from './keyWrap';
import { bytesOf, parseWire } from './wire';
import type { WrapGrant } from './wrapGrant';
import { verifyWrapGrantChain, type ResolveGranter } from './wrapGrantChain';

/** What the verifier knows and expects. */
export interface KeyVersionExpectations {
  /** The conversation the record must belong to. */
  readonly conversationId: ConversationId;
  /** The certificate of `createdByDevice` (untrusted input; checked here). */
  readonly signerCertificate: unknown;
  /** The account identity key the verifier trusts for the signer's user. */
  readonly signerAccountKey: Uint8Array;
  /** When given, the record must be exactly this version. */
  readonly version?: number;
  /** When given, memberDevices must equal this set (the server passes the current member devices). */
  readonly memberDevices?: readonly DeviceId[];
}

/** Parses and fully verifies a full record (with every wrap); returns it typed, or throws a ProtocolError. */
export async function verifyKeyVersionRecord(provider: CryptoProvider, input: unknown, expect: KeyVersionExpectations): Promise<KeyVersionRecord> {
  return (await verifyKeyVersionSubmission(provider, input, expect)).record;
}

/**
 * `verifyKeyVersionRecord`, also answering the public record it verified (what the key service stores):
 * its wrap digests — one SHA-256 per member device — are computed once, not again for storing.
 */
export async function verifyKeyVersionSubmission(
  provider: CryptoProvider,
  input: unknown,
  expect: KeyVersionExpectations,
): Promise<{ readonly record: KeyVersionRecord; readonly publicRecord: PublicKeyVersionRecord }> {
  const record = parseKeyVersionRecord(input);
  checkHeader(record, expect);
  checkWrapCoverage(record);
  const publicRecord = await publicKeyVersionRecord(provider, record);
  await checkSignedPublicRecord(provider, publicRecord, expect);
  return { record, publicRecord };
}

/** A fetched version, verified: the public record, the device's wrap, and what covers the wrap. */
export interface VerifiedDeviceKeyVersion {
  readonly record: PublicKeyVersionRecord;
  readonly wrap: KeyWrap;
  /**
   * `record`: the device is a member device of the record and the wrap's digest is the signed one.
   * `grants`: the wrap was added later (a member added under shared history, a newly linked device) and
   * `grants` is its verified grant chain (§6.5).
   */
  readonly coverage: 'record' | 'grants';
  readonly grants: readonly WrapGrant[];
}

/** What a device fetches for one version: the public record, its own wrap and, for a wrap added later, the grant chain. */
export interface FetchedKeyVersionInput {
  readonly record: unknown;
  readonly wrap: unknown;
  readonly grants?: unknown;
}

/** A fetched version after parsing (no signature checked yet): the record, and a wrap for this device. */
export interface ParsedDeviceKeyVersion {
  readonly record: PublicKeyVersionRecord;
  readonly wrap: KeyWrap;
  readonly grants: unknown;
}

/** Parses a fetched version (§6.4): the public record, then the wrap, which must be for `deviceId`. */
export function parseDeviceKeyVersion(input: FetchedKeyVersionInput, deviceId: DeviceId): ParsedDeviceKeyVersion {
  const record = parsePublicKeyVersionRecord(input.record);
  const wrap = parseWire(KeyWrapSchema, input.wrap, 'key wrap');
  if (wrap.deviceId !== deviceId) throw new IncompleteWrapsError(`the wrap is for device ${wrap.deviceId}, not ${deviceId}`);
  return { record, wrap, grants: input.grants };
}

/** Verifies the public record and the device's own wrap as fetched from the key service. */
export async function verifyDeviceKeyVersion(
  provider: CryptoProvider,
  input: FetchedKeyVersionInput,
  expect: KeyVersionExpectations & { readonly deviceId: DeviceId; readonly resolveGranter?: ResolveGranter },
): Promise<VerifiedDeviceKeyVersion> {
  return verifyParsedDeviceKeyVersion(provider, parseDeviceKeyVersion(input, expect.deviceId), expect);
}

/** `verifyDeviceKeyVersion` after `parseDeviceKeyVersion`: steps 2–8 of §6.3, then the wrap's coverage (§6.4, §6.5). */
export async function verifyParsedDeviceKeyVersion(
  provider: CryptoProvider,
  parsed: ParsedDeviceKeyVersion,
  expect: KeyVersionExpectations & { readonly deviceId: DeviceId; readonly resolveGranter?: ResolveGranter },
): Promise<VerifiedDeviceKeyVersion> {
  const { record, wrap } = parsed;
  checkHeader(record, expect);
  await checkSignedPublicRecord(provider, record, expect);
  const index = record.memberDevices.indexOf(expect.deviceId);
  if (index < 0) {
    if (expect.resolveGranter === undefined)
      throw new UncoveredWrapError(`the wrap for device ${expect.deviceId} is not in the record and no granter can be checked`);
    const grants = await verifyWrapGrantChain(provider, { record, wrap, grants: parsed.grants }, expect.resolveGranter);
    return { record, wrap, coverage: 'grants', grants };
  }
  if ((await wrapDigest(provider, wrap)) !== record.wrapDigests[index]) {
    throw new BadSignatureError(`the wrap for device ${expect.deviceId} is not the one the record signature covers`);
  }
  return { record, wrap, coverage: 'record', grants: [] };
}

function checkHeader(record: { conversationId: string; version: number }, expect: KeyVersionExpectations): void {
  if (record.conversationId !== expect.conversationId) {
    throw new WrongConversationError(`key-version record is for conversation ${record.conversationId}, expected ${expect.conversationId}`);
  }
  if (expect.version !== undefined && record.version !== expect.version) {
    throw new WrongKeyVersionError(`key-version record has version ${record.version}, expected ${expect.version}`);
  }
}

async function checkSignedPublicRecord(provider: CryptoProvider, record: PublicKeyVersionRecord, expect: KeyVersionExpectations): Promise<void> {
  if (expect.memberDevices !== undefined) checkMembers(record.memberDevices, expect.memberDevices);
  if (!record.memberDevices.includes(record.createdByDevice)) {
    throw new SignerNotMemberError(`signer ${record.createdByDevice} is not a member device of the record`);
  }
  const cert = await verifyDeviceCertificate(provider, expect.signerCertificate, {
    deviceId: record.createdByDevice,
    accountKey: expect.signerAccountKey,
  }).catch((err: unknown) => {
    if (err instanceof BadSignatureError) throw new SignerNotCertifiedError(`signer certificate: ${err.message}`);
    throw err;
  });
  const ok = await provider.ed25519Verify(bytesOf(cert.ed25519), keyVersionSigningInput(record), bytesOf(record.signature));
  if (!ok) throw new BadSignatureError('key-version record signature does not verify');
}

function checkWrapCoverage(record: KeyVersionRecord): void {
  const seen = new Set<string>();
  for (const w of record.wraps) {
    if (seen.has(w.deviceId)) throw new IncompleteWrapsError(`duplicate wrap for device ${w.deviceId}`);
    seen.add(w.deviceId);
  }
  if (record.wraps.length !== record.memberDevices.length || record.wraps.some((w, i) => w.deviceId !== record.memberDevices[i])) {
    const members = new Set<string>(record.memberDevices);
    const missing = record.memberDevices.filter((d) => !seen.has(d));
    const extra = [...seen].filter((d) => !members.has(d));
    if (missing.length === 0 && extra.length === 0) throw new IncompleteWrapsError('wraps are not in memberDevices order');
    throw new IncompleteWrapsError(`wraps do not cover memberDevices exactly (missing: ${missing.join(',') || '-'}; extra: ${extra.join(',') || '-'})`);
  }
}

function checkMembers(have: readonly DeviceId[], expected: readonly DeviceId[]): void {
  const want = new Set<string>(expected);
  const got = new Set<string>(have);
  const missing = [...want].filter((d) => !got.has(d));
  const extra = [...got].filter((d) => !want.has(d));
  if (missing.length > 0 || extra.length > 0 || want.size !== expected.length) {
    throw new MemberMismatchError(`memberDevices differ from the expected devices (missing: ${missing.join(',') || '-'}; extra: ${extra.join(',') || '-'})`);
  }
}
