/**
 * Submitting key version N+1 (docs/api.md, "Key versions", `submitKeyVersion`): a wrap for every current
 * member device and none for any other; 409 when N+1 is not next or — once the conversation has a
 * membership chain (docs/protocol.md §15) — when the record names another membership head than the
 * current one, 422 when incomplete or over-complete or when the signature does not verify. The signature
 * and the signer's certificate are checked first, outside the lock; the version number, the head and the
 * member-device set are checked on the locked conversation, so concurrent submissions of the same N+1
 * serialize and all but one get 409.
 */
import type { ConversationId } from '../../common/ids';
import { fromBase64Url } from '../../common/encoding/base64url';
import { isProtocolError } from '../../common/protocol/errors';
import type { KeyVersionRecord, PublicKeyVersionRecord } from '../../common/protocol/keyVersionRecord';
import type { MembershipHead } from '../../common/protocol/membershipHead';
import { verifyKeyVersionSubmission } from '../../common/protocol/keyVersionVerify';
import type { EscrowWrap } from '../../common/protocol/escrowWrap';
import { checkEscrowWrap, storeEscrowWrap } from '../custody/escrowCheck';
import { UniqueViolation } from '../db/dbErrors';
import { Conflict, Forbidden, Unprocessable } from '../http/httpErrors';
import type { DevicePrincipal } from '../http/route';
import { Effects } from '../pubnub/effects';
import type { Services } from '../services';
import { advanceVersion, memberIds } from '../store/conversations';
import { deviceById, memberDevices, type MemberDeviceRow } from '../store/devices';
import { insertVersion, insertWraps, latestVersionTime } from '../store/keyVersions';
import { membershipHead } from '../store/membershipStatements';
import { userById } from '../store/users';
import { lockAsMember, requireMember } from './access';
import { checkWrapSuiteAgainstCertificate, storedWrapJson } from './storedWrap';

async function verifySignature(
  svc: Services,
  principal: DevicePrincipal,
  conversationId: string,
  input: KeyVersionRecord,
): Promise<{ record: KeyVersionRecord; publicRecord: PublicKeyVersionRecord }> {
  if (input.createdByDevice !== principal.deviceId) {
    throw new Unprocessable('the record must be created by the calling device', 'signer_not_caller');
  }
  const [device, user] = await Promise.all([deviceById(svc.db, principal.deviceId), userById(svc.db, principal.userId)]);
  if (!device || !user?.identity_key) throw new Forbidden('calling device is not registered', 'device_unknown');
  try {
    return await verifyKeyVersionSubmission(svc.crypto, input, {
      conversationId: conversationId as ConversationId,
      signerCertificate: JSON.parse(device.certificate) as unknown,
      signerAccountKey: fromBase64Url(user.identity_key),
    });
  } catch (err) {
    if (isProtocolError(err)) throw new Unprocessable(`key-version record refused: ${err.message}`, err.code);
    throw err;
  }
}

function diff(want: readonly string[], have: readonly string[]): string {
  const w = new Set(want);
  const h = new Set(have);
  const missing = want.filter((d) => !h.has(d));
  const extra = have.filter((d) => !w.has(d));
  return `missing: ${missing.join(',') || '-'}; not members: ${extra.join(',') || '-'}`;
}

/**
 * 409 `membership_changed` unless the record names the current membership head; a conversation without a
 * chain (made before statements existed) takes records without one.
 */
function checkHead(named: MembershipHead | undefined, current: MembershipHead | null): void {
  if (current === null && named === undefined) return;
  if (named?.seq === current?.seq && named?.hash === current?.hash) return;
  throw new Conflict(
    `the record is for membership head ${named?.seq ?? 'none'}, the current head is ${current?.seq ?? 'none'}: re-read the members and rotate again`,
    'membership_changed',
  );
}

/** 422 `suite_downgrade` for a classical wrap to a member device whose certificate has an X-Wing key (docs/protocol.md §5.1). */
function checkSuites(record: KeyVersionRecord, devices: readonly MemberDeviceRow[]): void {
  const certificates = new Map(devices.map((d) => [d.device_id, d.certificate]));
  for (const w of record.wraps) {
    const certificate = certificates.get(w.deviceId);
    if (certificate === undefined) continue;
    try {
      checkWrapSuiteAgainstCertificate(w, certificate);
    } catch (err) {
      if (isProtocolError(err)) throw new Unprocessable(`key-version record refused: ${err.message}`, err.code);
      throw err;
    }
  }
}

/** Verifies and stores a new version; returns its acceptance time and the notices to publish. */
export async function submitVersion(
  svc: Services,
  principal: DevicePrincipal,
  conversationId: string,
  input: KeyVersionRecord,
  escrow?: EscrowWrap,
): Promise<{ acceptedAt: number; effects: Effects }> {
  await requireMember(svc.db, conversationId, principal.userId);
  const { record, publicRecord } = await verifySignature(svc, principal, conversationId, input);
  try {
    return await svc.db.transaction(async (tx) => {
      const { conversation } = await lockAsMember(tx, conversationId, principal.userId);
      const next = conversation.current_version + 1;
      if (record.version !== next) throw new Conflict(`version ${record.version} is not next; the next version is ${next}`, 'version_conflict');
      checkHead(record.membership, await membershipHead(tx, conversationId));
      const devices = await memberDevices(tx, conversationId);
      const current = devices.map((d) => d.device_id);
      const set = new Set(current);
      if (record.memberDevices.length !== current.length || record.memberDevices.some((d) => !set.has(d))) {
        throw new Unprocessable(`wraps must cover exactly the current member devices (${diff(current, record.memberDevices)})`, 'member_devices_mismatch');
      }
      const escrowWrap = await checkEscrowWrap(tx, escrow);
      checkSuites(record, devices);
      const previous = await latestVersionTime(tx, conversationId);
      const acceptedAt = Math.max(svc.now(), previous?.created_at ?? 0);
      await insertVersion(tx, {
        conversation_id: conversationId,
        version: next,
        created_at: acceptedAt,
        created_by_device: principal.deviceId,
        record: JSON.stringify(publicRecord),
      });
      const wraps = record.wraps.map((w) => ({ deviceId: w.deviceId, wrap: storedWrapJson(w) }));
      await insertWraps(tx, { conversationId, version: next, addedBy: principal.deviceId, wraps }, acceptedAt);
      await storeEscrowWrap(tx, conversationId, next, escrowWrap, acceptedAt);
      await advanceVersion(tx, conversationId, next, acceptedAt);
      const effects = new Effects();
      effects.notify(await memberIds(tx, conversationId), { type: 'key_version', conversationId: conversationId as ConversationId, version: next });
      await svc.outbox.record(tx, effects);
      return { acceptedAt, effects };
    });
  } catch (err) {
    if (err instanceof UniqueViolation) throw new Conflict('another version was submitted concurrently', 'version_conflict');
    throw err;
  }
}
