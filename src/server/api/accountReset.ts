/**
 * The account reset (docs/protocol.md §18.9, docs/api.md "Key backup"): the user lost every device and the
 * recovery key too. On a password-only session (the sign-in proves the password, or the company sign-in)
 * the service accepts a NEW account identity key with its first device: the username stays, the old
 * devices are retired (their sessions end), the key backup is retired (a new recovery key must be made),
 * every conversation of the account needs rotation, and the replaced key is recorded. Contacts see the new
 * key in the directory and their clients mark the account "changed" (a new safety number).
 *
 * With no device of the account signed in, the reset happens at once. While one is, the request only
 * starts a waiting period (the service's `resetWaitMs`, 7 days by default): every device of the account is
 * told and may cancel it (accountResetWait.ts); a password alone cannot override a device that is in use,
 * and a lost device blocks a reset for that period only, not for its whole session.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import type { AccountResetRequest } from '../../common/api/recoverySchemas';
import { certificateError } from '../../common/errorCatalog/protocol';
import { verifyDeviceCertificate, type DeviceCertificate, type DevicePlatform } from '../../common/protocol/deviceCertificate';
import { isProtocolError } from '../../common/protocol/errors';
import type { Queryable } from '../db/db';
import { UniqueViolation } from '../db/dbErrors';
import { Conflict, NotFound, Unprocessable } from '../http/httpErrors';
import { implement, type Route, type UserPrincipal } from '../http/route';
import { Effects } from '../pubnub/effects';
import { rotationNotices } from '../pubnub/rotationNotices';
import type { Services } from '../services';
import { insertResetRequest, waitingResetRequest, type AccountResetRequestRow } from '../store/accountResetRequests';
import { activeDevicesOf, insertAccountReset, replaceIdentityKey, retireBackup } from '../store/accountResets';
import { markUserConversationsNeedRotation } from '../store/conversations';
import { deviceById, insertDevice, revokeDevicesOfUser } from '../store/devices';
import { takeLiveTokens } from '../store/pubnubTokens';
import { bindSessionDevice, revokeOtherSessions } from '../store/sessions';
import { userById } from '../store/users';
import { checkCertificateSso } from './devices';
import { deviceView } from './views';

/** A reset is asked for on a password-only session: a device of the account links a new one instead. */
export function requirePasswordOnlySession(principal: UserPrincipal): void {
  if (principal.deviceId !== null) {
    throw new Conflict('this session belongs to a device of the account: link a new device from it instead of resetting', 'session_has_device');
  }
}

/** The certificate of the new first device, verified under the new account key it names (self-signed, as a first device's is). */
export async function verifyResetCertificate(svc: Services, certificate: unknown, userId: string): Promise<DeviceCertificate> {
  try {
    return await verifyDeviceCertificate(svc.crypto, certificate, { userId });
  } catch (err) {
    if (isProtocolError(err)) throw new Unprocessable(`certificate refused: ${err.message}`, certificateError(err.code));
    throw err;
  }
}

/**
 * The reset itself, in the caller's transaction: the identity key swapped (only if it is still `oldKey`),
 * the old devices revoked and the other sessions ended, the backup retired, the new device registered and
 * bound to the session, the reset recorded, the conversations marked for rotation, the PubNub tokens revoked.
 */
export async function applyReset(
  tx: Queryable,
  effects: Effects,
  r: { userId: string; sessionId: string; oldKey: string; cert: DeviceCertificate; now: number },
): Promise<void> {
  if (!(await replaceIdentityKey(tx, r.userId, r.oldKey, r.cert.accountKey))) {
    throw new Conflict('the account identity key changed meanwhile', 'identity_key_changed');
  }
  await revokeDevicesOfUser(tx, r.userId, r.now);
  await revokeOtherSessions(tx, r.userId, r.sessionId, 'account_reset', r.now);
  await retireBackup(tx, r.userId);
  await insertDevice(tx, { id: r.cert.deviceId, user_id: r.userId, name: r.cert.deviceName, certificate: JSON.stringify(r.cert), created_at: r.now });
  await bindSessionDevice(tx, r.sessionId, r.cert.deviceId);
  await insertAccountReset(tx, {
    user_id: r.userId,
    reset_at: r.now,
    old_identity_key: r.oldKey,
    new_identity_key: r.cert.accountKey,
    session_id: r.sessionId,
    device_id: r.cert.deviceId,
  });
  const conversations = await markUserConversationsNeedRotation(tx, r.userId, 'account_reset', r.now);
  effects.revoke(await takeLiveTokens(tx, r.userId, r.now));
  effects.notify([r.userId], { type: 'access_changed' });
  // The old devices are retired: to the other members this is a revocation (the wire's reason).
  await rotationNotices(tx, effects, conversations);
}

/** The answer of a reset that happened: the new device, its access token and the replaced key. */
export async function resetDone(svc: Services, principal: UserPrincipal, cert: DeviceCertificate, oldKey: string) {
  const device = await deviceById(svc.db, cert.deviceId);
  if (!device) throw new NotFound('device vanished');
  const accessToken = await svc.accessTokens.sign({ userId: principal.userId, sessionId: principal.sessionId, deviceId: cert.deviceId });
  return { outcome: 'reset' as const, device: deviceView(device), accessToken, expiresIn: svc.accessTokens.ttlSeconds, previousIdentityKey: oldKey };
}

/** What the account's devices and the requester are shown of a request (never its certificate). */
export function requestView(row: AccountResetRequestRow, sessionId: string): AccountResetRequest {
  return {
    state: row.state === 'cancelled' ? 'cancelled' : 'waiting',
    requestedAt: Number(row.requested_at),
    finishesAt: Number(row.finishes_at),
    deviceName: row.device_name,
    platform: row.platform as DevicePlatform,
    address: row.address,
    requestedHere: row.session_id === sessionId,
    cancelledAt: row.state === 'cancelled' && row.ended_at !== null ? Number(row.ended_at) : null,
  };
}

export const whenText = (ms: number) => new Date(ms).toISOString();

export function accountResetRoutes(svc: Services): Route[] {
  return [
    implement(api, 'resetAccount', {
      rateLimited: true,
      handler: async ({ principal, body, request }) => {
        requirePasswordOnlySession(principal);
        const user = await userById(svc.db, principal.userId);
        if (!user) throw new NotFound('no such user');
        const oldKey = user.identity_key;
        if (oldKey === null) throw new Conflict('this account has no identity yet: sign in to make its first device', 'no_identity_to_reset');
        const cert = await verifyResetCertificate(svc, body.certificate, principal.userId);
        if (cert.accountKey === oldKey) throw new Unprocessable('a reset makes a new account identity key; this is the current one', 'identity_key_unchanged');
        await checkCertificateSso(svc, cert.sso, principal.userId);
        const effects = new Effects();
        const attempt = { waits: false };
        let waiting: AccountResetRequestRow | null;
        try {
          waiting = await svc.db.transaction(async (tx): Promise<AccountResetRequestRow | null> => {
            const now = svc.now();
            const already = await waitingResetRequest(tx, principal.userId);
            if (already) {
              throw new Conflict(
                `a reset of this account already waits until ${whenText(Number(already.finishes_at))}: it cannot be asked for again, nor sooner`,
                'reset_already_waiting',
              );
            }
            if ((await activeDevicesOf(tx, principal.userId, now)).length > 0) {
              // A device of the account is signed in: the request waits, and every device is told.
              attempt.waits = true;
              const row: AccountResetRequestRow = {
                id: svc.newId(),
                user_id: principal.userId,
                session_id: principal.sessionId,
                certificate: JSON.stringify(cert),
                old_identity_key: oldKey,
                device_id: cert.deviceId,
                device_name: cert.deviceName,
                platform: cert.platform,
                address: request.ip,
                requested_at: now,
                finishes_at: now + svc.resetWaitMs,
                state: 'waiting',
                ended_at: null,
                cancelled_by_device: null,
              };
              await insertResetRequest(tx, row);
              effects.notify([principal.userId], { type: 'account_reset_changed' });
              await svc.outbox.record(tx, effects);
              return row;
            }
            await applyReset(tx, effects, { userId: principal.userId, sessionId: principal.sessionId, oldKey, cert, now });
            await svc.outbox.record(tx, effects);
            return null;
          });
        } catch (err) {
          if (err instanceof UniqueViolation) {
            // Two requests at once: the unique index keeps one waiting; a device id taken is the certificate's fault.
            if (attempt.waits) throw new Conflict('a reset of this account already waits: it cannot be asked for again', 'reset_already_waiting');
            throw new Conflict('a device with this id exists', 'device_exists');
          }
          throw err;
        }
        await svc.outbox.afterCommit(effects);
        if (waiting !== null) return { outcome: 'waiting' as const, request: requestView(waiting, principal.sessionId) };
        return resetDone(svc, principal, cert, oldKey);
      },
    }),
  ];
}
