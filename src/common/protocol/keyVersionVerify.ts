/**
 * Verification of a key-version record (docs/protocol.md §6.3), in this order: parse (malformed,
 * unsupported_version), conversation and version as expected (wrong_conversation, wrong_key_version), wraps
 * cover exactly memberDevices (incomplete_wraps), memberDevices as expected (member_mismatch), signer is a
 * member (signer_not_member), signer certified by the trusted account key (signer_not_certified,
 * bad_signature), record signature (bad_signature).
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
  WrongConversationError,
  WrongKeyVersionError,
} from './errors';
import { keyVersionSigningInput, parseKeyVersionRecord, type KeyVersionRecord } from './keyVersionRecord';
import { bytesOf } from './wire';

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

/** Parses and fully verifies a record; returns it typed, or throws a ProtocolError. */
export async function verifyKeyVersionRecord(provider: CryptoProvider, input: unknown, expect: KeyVersionExpectations): Promise<KeyVersionRecord> {
  const record = parseKeyVersionRecord(input);
  if (record.conversationId !== expect.conversationId) {
    throw new WrongConversationError(`key-version record is for conversation ${record.conversationId}, expected ${expect.conversationId}`);
  }
  if (expect.version !== undefined && record.version !== expect.version) {
    throw new WrongKeyVersionError(`key-version record has version ${record.version}, expected ${expect.version}`);
  }
  checkWrapCoverage(record);
  if (expect.memberDevices !== undefined) checkMembers(record, expect.memberDevices);
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
  return record;
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

function checkMembers(record: KeyVersionRecord, expected: readonly DeviceId[]): void {
  const want = new Set<string>(expected);
  const have = new Set<string>(record.memberDevices);
  const missing = [...want].filter((d) => !have.has(d));
  const extra = [...have].filter((d) => !want.has(d));
  if (missing.length > 0 || extra.length > 0 || want.size !== expected.length) {
    throw new MemberMismatchError(`memberDevices differ from the expected devices (missing: ${missing.join(',') || '-'}; extra: ${extra.join(',') || '-'})`);
  }
}
