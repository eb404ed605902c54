/**
 * Grant chains (docs/protocol.md §6.5): a device whose wrap was added after the version was created
 * accepts it only through a chain of grants that ends at a device the record signature names.
 *   grants[0]   grants this device's wrap (recipient = this device, wrapDigest = digest of its wrap);
 *   grants[i+1] grants grants[i].grantedBy's own wrap;
 *   the last grant's grantedBy is in the record's memberDevices (it held a signed wrap).
 * Every granter is a certified device of a user who is a member of the conversation. At most
 * MAX_GRANT_CHAIN links; no device twice. Anything else is `uncovered_wrap` (or the grant's own error).
 */
import type { CryptoProvider } from '../crypto/provider';
import type { DeviceId } from '../ids';
import { SignerNotMemberError, UncoveredWrapError } from './errors';
import { wrapDigest, type PublicKeyVersionRecord } from './keyVersionRecord';
import type { KeyWrap } from './keyWrap';
import { parseWrapGrant, verifyWrapGrant, type WrapGrant } from './wrapGrant';

/** Most grants in one chain (a linked device of a member added under shared history needs two). */
export const MAX_GRANT_CHAIN = 4;

/** What the verifier knows of a granting device. */
export interface GranterInfo {
  /** The device's certificate (untrusted; verified against `accountKey`). */
  readonly certificate: unknown;
  /** The account key the verifier trusts for the device's user. */
  readonly accountKey: Uint8Array;
  /** Whether the device's user is a member of the conversation. */
  readonly isMember: boolean;
}

/** Looks up a granting device; throws a ProtocolError (signer_not_certified) when it is unknown. */
export type ResolveGranter = (deviceId: DeviceId) => Promise<GranterInfo>;

/** Verifies the grant chain of a wrap the record signature does not cover; returns the verified grants. */
export async function verifyWrapGrantChain(
  provider: CryptoProvider,
  input: { readonly record: PublicKeyVersionRecord; readonly wrap: KeyWrap; readonly grants: unknown },
  resolveGranter: ResolveGranter,
): Promise<WrapGrant[]> {
  const { record, wrap } = input;
  const where = `${record.conversationId}#${record.version} for device ${wrap.deviceId}`;
  if (!Array.isArray(input.grants) || input.grants.length === 0) throw new UncoveredWrapError(`the wrap of ${where} is not in the record and carries no grant`);
  const grants: unknown[] = input.grants;
  if (grants.length > MAX_GRANT_CHAIN) throw new UncoveredWrapError(`the grant chain of ${where} is longer than ${MAX_GRANT_CHAIN}`);
  const verified: WrapGrant[] = [];
  const seen = new Set<string>([wrap.deviceId]);
  let recipient: string = wrap.deviceId;
  for (const [i, raw] of grants.entries()) {
    const granter = await resolveGranter(parseWrapGrant(raw).grantedBy);
    const grant = await verifyWrapGrant(provider, raw, {
      conversationId: record.conversationId,
      version: record.version,
      recipientDeviceId: recipient,
      ...(i === 0 ? { wrapDigest: await wrapDigest(provider, wrap) } : {}),
      granterCertificate: granter.certificate,
      granterAccountKey: granter.accountKey,
    });
    if (!granter.isMember) throw new SignerNotMemberError(`granter ${grant.grantedBy} of ${where} is not a device of a member`);
    verified.push(grant);
    if (record.memberDevices.includes(grant.grantedBy)) {
      if (i !== grants.length - 1) throw new UncoveredWrapError(`the grant chain of ${where} continues past a record member device`);
      return verified;
    }
    if (seen.has(grant.grantedBy)) throw new UncoveredWrapError(`the grant chain of ${where} loops through ${grant.grantedBy}`);
    seen.add(grant.grantedBy);
    recipient = grant.grantedBy;
  }
  throw new UncoveredWrapError(`the grant chain of ${where} does not reach a device the record signature names`);
}
