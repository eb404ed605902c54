/**
 * A device accepts a key version it fetched (docs/protocol.md §6.4): the pure step between the key
 * service's answer `{record, wrap, grants}` and the key ring. In this order, the first failure reported:
 *   1. parse the public record, then the wrap, which must be this device's (§2.5, §6.4);
 *   2. look up the record's signer (`resolveSigner`: its certificate and the account key trusted for its user);
 *   3. verify the record (§6.3 steps 2–8, `version` expected) and what covers the wrap: the signed digest
 *      when this device is a member device of the record, else a grant chain (§6.5, `resolveGranter`);
 *   4. the member-device check: every member device is certified under its user's trusted key and — when
 *      the caller knows the allowed members (those at the membership head the record names, on the chain
 *      it verified) — belongs to one of them (`member_mismatch`);
 *   5. the suite rule: a device with an X-Wing key takes X-Wing wraps only (§5.1; `suite_downgrade`);
 *   6. open the wrap (§5; `bad_tag`) → the 32-byte conversation key.
 * The network stays with the caller: the resolvers answer from its directory and key service. A resolver
 * that fails for a transient reason throws its own (non-protocol) error, so the caller retries rather
 * than refuses. Replayed by test/vectors/key-version-acceptance.json.
 */
import type { CryptoProvider } from '../crypto/provider';
import type { ConversationId, DeviceId } from '../ids';
import { MemberMismatchError } from './errors';
import { unwrapConversationKey, type PublicKeyVersionRecord } from './keyVersionRecord';
import { checkWrapSuiteFor } from './keyWrap';
import { parseDeviceKeyVersion, verifyParsedDeviceKeyVersion, type FetchedKeyVersionInput } from './keyVersionVerify';
import type { ResolveGranter } from './wrapGrantChain';

/** The record's signer as the verifier knows it. */
export interface SignerInfo {
  /** The signer's device certificate (untrusted; verified against `accountKey`). */
  readonly certificate: unknown;
  /** The account identity key the verifier trusts for the signer's user. */
  readonly accountKey: Uint8Array;
}

/** The member devices the verifier can vouch for (certificate verified under the user's trusted key) and why not the others. */
export interface MemberDeviceLookup {
  readonly devices: ReadonlyMap<string, { readonly userId: string }>;
  readonly failures: ReadonlyMap<string, { readonly message: string }>;
}

/**
 * This device: its id and X25519 key pair (the public half saves deriving it), and its X-Wing private key
 * when its certificate has an X-Wing key — then it accepts X-Wing wraps only (§5.1, `suite_downgrade`).
 */
export interface RecipientDevice {
  readonly deviceId: DeviceId;
  readonly x25519PrivateKey: Uint8Array;
  readonly x25519PublicKey?: Uint8Array;
  readonly xwingPrivateKey?: Uint8Array;
}

/** What the device knows and how it looks up the rest. */
export interface AcceptKeyVersionContext {
  readonly conversationId: ConversationId;
  /** The version asked for: the record must be exactly this version. */
  readonly version: number;
  readonly device: RecipientDevice;
  readonly resolveSigner: (deviceId: DeviceId) => Promise<SignerInfo>;
  /** Granting devices, for a wrap outside the record (none: such a wrap is `uncovered_wrap`). */
  readonly resolveGranter?: ResolveGranter;
  /**
   * The users whose devices the version may wrap to, when known (the members at the membership head the
   * verified record names, §15.5); undefined to skip that part. May throw itself (`membership_fork`: a head
   * that is not on the verifier's chain).
   */
  readonly allowedMembers: (record: PublicKeyVersionRecord) => Promise<ReadonlySet<string> | undefined>;
  readonly memberDevices: (deviceIds: readonly DeviceId[]) => Promise<MemberDeviceLookup>;
}

/** An accepted version: the conversation key (the caller owns it) and what vouched for it. */
export interface AcceptedKeyVersion {
  readonly key: Uint8Array;
  readonly record: PublicKeyVersionRecord;
  readonly coverage: 'record' | 'grants';
}

/** Verifies a fetched version and opens this device's wrap; throws a ProtocolError (or a resolver's error). */
export async function acceptKeyVersion(provider: CryptoProvider, fetched: FetchedKeyVersionInput, ctx: AcceptKeyVersionContext): Promise<AcceptedKeyVersion> {
  const parsed = parseDeviceKeyVersion(fetched, ctx.device.deviceId);
  const signer = await ctx.resolveSigner(parsed.record.createdByDevice);
  const verified = await verifyParsedDeviceKeyVersion(provider, parsed, {
    conversationId: ctx.conversationId,
    version: ctx.version,
    signerCertificate: signer.certificate,
    signerAccountKey: signer.accountKey,
    deviceId: ctx.device.deviceId,
    ...(ctx.resolveGranter !== undefined ? { resolveGranter: ctx.resolveGranter } : {}),
  });
  await checkMemberDevices(verified.record, ctx);
  checkWrapSuiteFor(verified.wrap, ctx.device.xwingPrivateKey !== undefined);
  const key = await unwrapConversationKey(provider, verified.record, verified.wrap, ctx.device);
  return { key, record: verified.record, coverage: verified.coverage };
}

async function checkMemberDevices(record: PublicKeyVersionRecord, ctx: AcceptKeyVersionContext): Promise<void> {
  const allowed = await ctx.allowedMembers(record);
  const { devices, failures } = await ctx.memberDevices(record.memberDevices);
  const where = `${record.conversationId}#${record.version}`;
  for (const deviceId of record.memberDevices) {
    const d = devices.get(deviceId);
    if (d === undefined) {
      const why = failures.get(deviceId)?.message ?? 'not in the directory';
      throw new MemberMismatchError(`member device ${deviceId} of ${where} is not certified: ${why}`);
    }
    if (allowed && !allowed.has(d.userId)) throw new MemberMismatchError(`member device ${deviceId} of ${where} belongs to ${d.userId}, who is not a member`);
  }
}
