/**
 * Device endpoints (docs/api.md "Devices"): register a device's public keys with a certificate signed by
 * the account identity key; list a user's certified devices; revoke a device with a statement signed by
 * the same key (docs/protocol.md §17), kept and served to anyone who asks. Revocation marks every
 * conversation of that user as needing rotation. The first device registered pins the account
 * identity key; later certificates must be signed by that same key.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import { certificateError } from '../../common/errorCatalog/protocol';
import { fromBase64Url } from '../../common/encoding/base64url';
import { isProtocolError } from '../../common/protocol/errors';
import { verifyDeviceCertificate } from '../../common/protocol/deviceCertificate';
import { ssoIdentityOfUser } from '../oidcStore';
import { verifyDeviceRevocation, type DeviceRevocation } from '../../common/protocol/deviceRevocation';
import { UniqueViolation } from '../db/dbErrors';
import { Conflict, Forbidden, NotFound, Unprocessable } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import { Effects } from '../pubnub/effects';
import type { Services } from '../services';
import { markUserConversationsNeedRotation } from '../store/conversations';
import { rotationNotices } from '../pubnub/rotationNotices';
import { deviceById, devicesOfUser, insertDevice, revokeDevice } from '../store/devices';
import { takeLiveTokens } from '../store/pubnubTokens';
import { bindSessionDevice, revokeDeviceSessions } from '../store/sessions';
import { setIdentityKey, userById } from '../store/users';
import { deviceView } from './views';

/** A certificate's company identity must be the one this account signed in with; none is fine. */
export async function checkCertificateSso(svc: Services, sso: { iss: string; sub: string } | undefined, userId: string): Promise<void> {
  if (sso === undefined) return;
  const known = await ssoIdentityOfUser(svc.db, userId);
  if (!known || known.issuer !== sso.iss || known.subject !== sso.sub)
    throw new Unprocessable("the certificate names a company identity that is not this account's", 'sso_identity_mismatch');
}

export function deviceRoutes(svc: Services): Route[] {
  /** The statement, verified under the account's stored identity key for exactly this user and device (422 `bad_revocation` otherwise). */
  async function verifiedRevocation(userId: string, deviceId: string, input: unknown): Promise<DeviceRevocation> {
    const user = await userById(svc.db, userId);
    if (!user) throw new NotFound('no such user');
    if (user.identity_key === null) throw new Unprocessable('this account has no identity key to check a revocation against', 'bad_revocation');
    try {
      return await verifyDeviceRevocation(svc.crypto, input, { accountKey: fromBase64Url(user.identity_key), userId, deviceId });
    } catch (err) {
      if (isProtocolError(err)) throw new Unprocessable(`revocation refused: ${err.message}`, 'bad_revocation');
      throw err;
    }
  }
  return [
    implement(api, 'registerDevice', {
      handler: async ({ principal, body }) => {
        if (principal.deviceId !== null) throw new Conflict('this session already belongs to a device; log in again to register another', 'session_has_device');
        const user = await userById(svc.db, principal.userId);
        if (!user) throw new NotFound('no such user');
        let cert;
        try {
          cert = await verifyDeviceCertificate(svc.crypto, body.certificate, {
            userId: principal.userId,
            ...(user.identity_key !== null ? { accountKey: fromBase64Url(user.identity_key) } : {}),
          });
        } catch (err) {
          if (isProtocolError(err)) throw new Unprocessable(`certificate refused: ${err.message}`, certificateError(err.code));
          throw err;
        }
        await checkCertificateSso(svc, cert.sso, principal.userId);
        const now = svc.now();
        try {
          await svc.db.transaction(async (tx) => {
            if (user.identity_key === null && !(await setIdentityKey(tx, user.id, cert.accountKey))) {
              const current = await userById(tx, user.id);
              if (current?.identity_key !== cert.accountKey) throw new Conflict('the account identity key changed meanwhile', 'identity_key_changed');
            }
            await insertDevice(tx, { id: cert.deviceId, user_id: user.id, name: cert.deviceName, certificate: JSON.stringify(cert), created_at: now });
            await bindSessionDevice(tx, principal.sessionId, cert.deviceId);
          });
        } catch (err) {
          if (err instanceof UniqueViolation) throw new Conflict('a device with this id exists', 'device_exists');
          throw err;
        }
        const device = await deviceById(svc.db, cert.deviceId);
        if (!device) throw new NotFound('device vanished');
        const accessToken = await svc.accessTokens.sign({ userId: principal.userId, sessionId: principal.sessionId, deviceId: cert.deviceId });
        return { device: deviceView(device), accessToken, expiresIn: svc.accessTokens.ttlSeconds };
      },
    }),
    implement(api, 'getDeviceRevocation', {
      handler: async ({ params }) => {
        const device = await deviceById(svc.db, params.deviceId);
        if (!device) throw new NotFound('no such device');
        if (device.revocation === null) throw new NotFound('this device has no revocation statement', 'no_revocation');
        return { revocation: JSON.parse(device.revocation) as Record<string, unknown> };
      },
    }),
    implement(api, 'listUserDevices', {
      handler: async ({ principal, params, query }) => {
        const includeRevoked = query.include === 'revoked';
        if (includeRevoked && params.userId !== principal.userId) throw new Forbidden('only your own revoked devices are listed', 'not_your_devices');
        if (!(await userById(svc.db, params.userId))) throw new NotFound('no such user');
        return { devices: (await devicesOfUser(svc.db, params.userId, includeRevoked)).map(deviceView) };
      },
    }),
    implement(api, 'revokeDevice', {
      handler: async ({ principal, params, body }) => {
        const effects = new Effects();
        const statement = await verifiedRevocation(principal.userId, params.deviceId, body.revocation);
        await svc.db.transaction(async (tx) => {
          const device = await deviceById(tx, params.deviceId);
          if (!device) throw new NotFound('no such device');
          if (device.user_id !== principal.userId) throw new Forbidden('not your device');
          const now = svc.now();
          if (!(await revokeDevice(tx, device.id, JSON.stringify(statement), now))) return;
          await revokeDeviceSessions(tx, device.id, now);
          const conversations = await markUserConversationsNeedRotation(tx, principal.userId, 'device_revoked', now);
          effects.revoke(await takeLiveTokens(tx, principal.userId, now));
          effects.notify([principal.userId], { type: 'access_changed' });
          await rotationNotices(tx, effects, conversations);
          await svc.outbox.record(tx, effects);
        });
        await svc.outbox.afterCommit(effects);
      },
    }),
  ];
}
