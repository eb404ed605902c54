/**
 * The account reset (docs/protocol.md §18.9, docs/api.md "Key backup"): the user lost every device and the
 * recovery key too. On a password-only session (the sign-in proves the password, or the company sign-in)
 * and only while no device of the account is signed in — an account with a live device links from it
 * instead — the service accepts a NEW account identity key with its first device: the username stays, the
 * old devices are retired (their sessions end), the key backup is retired (a new recovery key must be
 * made), every conversation of the account needs rotation, and the replaced key is recorded. Contacts see
 * the new key in the directory and their clients mark the account "changed" (a new safety number).
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import { certificateError } from '../../common/errorCatalog/protocol';
import { verifyDeviceCertificate } from '../../common/protocol/deviceCertificate';
import { isProtocolError } from '../../common/protocol/errors';
import { UniqueViolation } from '../db/dbErrors';
import { Conflict, NotFound, Unprocessable } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import { Effects } from '../pubnub/effects';
import type { Services } from '../services';
import { activeDevicesOf, insertAccountReset, replaceIdentityKey, retireBackup } from '../store/accountResets';
import { markUserConversationsNeedRotation } from '../store/conversations';
import { rotationNotices } from '../pubnub/rotationNotices';
import { deviceById, insertDevice, revokeDevicesOfUser } from '../store/devices';
import { takeLiveTokens } from '../store/pubnubTokens';
import { bindSessionDevice, revokeOtherSessions } from '../store/sessions';
import { userById } from '../store/users';
import { checkCertificateSso } from './devices';
import { deviceView } from './views';

export function accountResetRoutes(svc: Services): Route[] {
  return [
    implement(api, 'resetAccount', {
      rateLimited: true,
      handler: async ({ principal, body }) => {
        if (principal.deviceId !== null) {
          throw new Conflict('this session belongs to a device of the account: link a new device from it instead of resetting', 'session_has_device');
        }
        const user = await userById(svc.db, principal.userId);
        if (!user) throw new NotFound('no such user');
        const oldKey = user.identity_key;
        if (oldKey === null) throw new Conflict('this account has no identity yet: sign in to make its first device', 'no_identity_to_reset');
        let cert;
        try {
          // Self-signed by the new key: the service cannot check it against anything but itself.
          cert = await verifyDeviceCertificate(svc.crypto, body.certificate, { userId: principal.userId });
        } catch (err) {
          if (isProtocolError(err)) throw new Unprocessable(`certificate refused: ${err.message}`, certificateError(err.code));
          throw err;
        }
        if (cert.accountKey === oldKey) throw new Unprocessable('a reset makes a new account identity key; this is the current one', 'identity_key_unchanged');
        await checkCertificateSso(svc, cert.sso, principal.userId);
        const effects = new Effects();
        try {
          await svc.db.transaction(async (tx) => {
            const now = svc.now();
            const active = await activeDevicesOf(tx, principal.userId, now);
            if (active.length > 0) {
              throw new Conflict(
                `this account is still signed in on ${active.map((d) => JSON.stringify(d.name)).join(', ')}: link the new device from there, or sign that device out first`,
                'account_has_active_device',
              );
            }
            if (!(await replaceIdentityKey(tx, principal.userId, oldKey, cert.accountKey))) {
              throw new Conflict('the account identity key changed meanwhile', 'identity_key_changed');
            }
            await revokeDevicesOfUser(tx, principal.userId, now);
            await revokeOtherSessions(tx, principal.userId, principal.sessionId, 'account_reset', now);
            await retireBackup(tx, principal.userId);
            await insertDevice(tx, { id: cert.deviceId, user_id: principal.userId, name: cert.deviceName, certificate: JSON.stringify(cert), created_at: now });
            await bindSessionDevice(tx, principal.sessionId, cert.deviceId);
            await insertAccountReset(tx, {
              user_id: principal.userId,
              reset_at: now,
              old_identity_key: oldKey,
              new_identity_key: cert.accountKey,
              session_id: principal.sessionId,
              device_id: cert.deviceId,
            });
            const conversations = await markUserConversationsNeedRotation(tx, principal.userId, 'account_reset', now);
            effects.revoke(await takeLiveTokens(tx, principal.userId, now));
            effects.notify([principal.userId], { type: 'access_changed' });
            // The old devices are retired: to the other members this is a revocation (the wire's reason).
            await rotationNotices(tx, effects, conversations);
            await svc.outbox.record(tx, effects);
          });
        } catch (err) {
          if (err instanceof UniqueViolation) throw new Conflict('a device with this id exists', 'device_exists');
          throw err;
        }
        await svc.outbox.afterCommit(effects);
        const device = await deviceById(svc.db, cert.deviceId);
        if (!device) throw new NotFound('device vanished');
        const accessToken = await svc.accessTokens.sign({ userId: principal.userId, sessionId: principal.sessionId, deviceId: cert.deviceId });
        return { device: deviceView(device), accessToken, expiresIn: svc.accessTokens.ttlSeconds, previousIdentityKey: oldKey };
      },
    }),
  ];
}
