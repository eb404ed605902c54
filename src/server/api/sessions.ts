/**
 * Session endpoints (docs/api.md "Sessions"; the challenge is docs/protocol.md §16): a device answers a
 * single-use challenge with its Ed25519 signature and gets a device-bound session — the only way to one
 * besides registering the device itself, so a password alone never acts as a device. A device-bound
 * session lists and ends the account's sessions and changes the password, which ends every other session.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import type { SessionView } from '../../common/api/sessionSchemas';
import { toBase64Url } from '../../common/encoding/base64url';
import { missingCase } from '../../common/errors';
import type { DeviceId } from '../../common/ids';
import { parseDeviceCertificate } from '../../common/protocol/deviceCertificate';
import { CHALLENGE_NONCE_BYTES, verifyDeviceSessionSignature } from '../../common/protocol/deviceSession';
import { isProtocolError } from '../../common/protocol/errors';
import { bytesOf } from '../../common/protocol/wire';
import { openSession } from '../auth/sessionIssuer';
import { Forbidden, NotFound, Unauthorized } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import type { Services } from '../services';
import { challengeById, insertChallenge, spendChallenge, sweepChallenges } from '../store/challenges';
import { deviceById } from '../store/devices';
import { liveSessionsOfUser, revokeOtherSessions, revokeSession, sessionOfUser } from '../store/sessions';
import { setPasswordHash, userById } from '../store/users';
import { pairView } from './tokenPairView';

/** Why a session ended, as stored (`sessions.revoked_reason`). */
const ENDED_BY_USER = 'ended_by_user';
const PASSWORD_CHANGED = 'password_changed';

/** Spends the challenge whatever the answer turns out to be; answers its nonce, or why it cannot be used. */
async function spend(svc: Services, challengeId: string) {
  return svc.db.transaction(async (tx) => {
    const now = svc.now();
    const challenge = await challengeById(tx, challengeId);
    if (!challenge) return { kind: 'unknown' } as const;
    if (!(await spendChallenge(tx, challenge.id, now))) return { kind: 'used' } as const;
    if (challenge.expires_at <= now) return { kind: 'expired' } as const;
    return { kind: 'ok', nonce: challenge.nonce } as const;
  });
}

export function sessionRoutes(svc: Services): Route[] {
  return [
    implement(api, 'createChallenge', {
      rateLimited: true,
      handler: async () => {
        const now = svc.now();
        const challenge = {
          id: svc.newId(),
          nonce: toBase64Url(svc.crypto.randomBytes(CHALLENGE_NONCE_BYTES)),
          expiresAt: now + svc.challengeTtlMs,
        };
        await svc.db.transaction(async (tx) => {
          await sweepChallenges(tx, now);
          await insertChallenge(tx, challenge, now);
        });
        return { challengeId: challenge.id, nonce: challenge.nonce, expiresAt: challenge.expiresAt };
      },
    }),
    implement(api, 'openDeviceSession', {
      rateLimited: true,
      // Limited per client address only: a limit per device would let anyone who knows a device id lock
      // that device out of signing in, and a signature cannot be guessed anyway.
      handler: async ({ body }) => {
        const spent = await spend(svc, body.challengeId);
        switch (spent.kind) {
          case 'ok':
            break;
          case 'unknown':
            throw new Unauthorized('no such challenge; ask for a new one', 'challenge_unknown');
          case 'used':
            throw new Unauthorized('this challenge was used already; ask for a new one', 'challenge_used');
          case 'expired':
            throw new Unauthorized('this challenge expired; ask for a new one', 'challenge_expired');
          default:
            return missingCase(spent);
        }
        const device = await deviceById(svc.db, body.deviceId);
        const user = device ? await userById(svc.db, device.user_id) : undefined;
        if (!device || !user) throw new Forbidden('no such device', 'device_unknown');
        try {
          const cert = parseDeviceCertificate(JSON.parse(device.certificate));
          await verifyDeviceSessionSignature(
            svc.crypto,
            { challengeId: body.challengeId, deviceId: body.deviceId, nonce: spent.nonce },
            body.signature,
            bytesOf(cert.ed25519),
          );
        } catch (err) {
          if (isProtocolError(err)) throw new Unauthorized(`the device's proof does not verify: ${err.message}`, 'device_proof_invalid');
          throw err;
        }
        if (device.revoked_at !== null) throw new Forbidden('this device has been revoked', 'device_revoked');
        return pairView(await openSession(svc, user.id, device.id), user);
      },
    }),
    implement(api, 'changePassword', {
      rateLimited: true,
      handler: async ({ principal, body }) => {
        svc.accountLimiter.hit(`password:${principal.userId}`);
        const user = await userById(svc.db, principal.userId);
        if (!user) throw new Unauthorized('account no longer exists');
        if (!(await svc.passwords.verify(user.password_hash, body.currentPassword))) throw new Forbidden('the current password is wrong', 'wrong_password');
        const hash = await svc.passwords.hash(body.newPassword);
        const endedSessions = await svc.db.transaction(async (tx) => {
          await setPasswordHash(tx, user.id, hash);
          return revokeOtherSessions(tx, user.id, principal.sessionId, PASSWORD_CHANGED, svc.now());
        });
        return { endedSessions };
      },
    }),
    implement(api, 'listSessions', {
      handler: async ({ principal }) => {
        const rows = await liveSessionsOfUser(svc.db, principal.userId, svc.now());
        const sessions: SessionView[] = rows.map((r) => ({
          sessionId: r.id,
          kind: r.device_id === null ? 'password' : 'device',
          deviceId: r.device_id as DeviceId | null,
          deviceName: r.device_name,
          createdAt: r.created_at,
          lastUsedAt: r.last_used_at ?? r.created_at,
          current: r.id === principal.sessionId,
        }));
        return { sessions };
      },
    }),
    implement(api, 'endSession', {
      handler: async ({ principal, params }) => {
        await svc.db.transaction(async (tx) => {
          const now = svc.now();
          const session = await sessionOfUser(tx, principal.userId, params.sessionId);
          if (!session || session.revoked_at !== null || session.expires_at <= now) throw new NotFound('no such live session of yours', 'session_not_found');
          await revokeSession(tx, session.id, ENDED_BY_USER, now);
        });
      },
    }),
    implement(api, 'endOtherSessions', {
      handler: async ({ principal }) => {
        const endedSessions = await svc.db.transaction((tx) => revokeOtherSessions(tx, principal.userId, principal.sessionId, ENDED_BY_USER, svc.now()));
        return { endedSessions };
      },
    }),
  ];
}
