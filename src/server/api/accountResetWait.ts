/**
 * The waiting period of an account reset (docs/protocol.md §18.9 "The waiting period", docs/api.md "Key
 * backup"): a reset asked for while a device of the account was signed in waits (accountReset.ts). Any
 * session of the account reads the request (`getAccountReset`: the devices' notice, the requester's "time
 * left"); only a device-bound session cancels it (`cancelAccountReset`), so a password alone cannot; and
 * only the session that asked finishes it (`finishAccountReset`), once the period is over — or sooner when
 * no device of the account is signed in any more, as a request made then would have reset at once. The
 * certificate it finishes with is the one checked when the request was made.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import type { DeviceCertificate } from '../../common/protocol/deviceCertificate';
import { UniqueViolation } from '../db/dbErrors';
import { Conflict, NotFound } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import { Effects } from '../pubnub/effects';
import type { Services } from '../services';
import { endResetRequest, latestResetRequest, resetRequestOfSession, waitingResetRequest } from '../store/accountResetRequests';
import { activeDevicesOf } from '../store/accountResets';
import { applyReset, requestView, requirePasswordOnlySession, resetDone, verifyResetCertificate, whenText } from './accountReset';

export function accountResetWaitRoutes(svc: Services): Route[] {
  return [
    implement(api, 'getAccountReset', {
      handler: async ({ principal }) => {
        const row = await latestResetRequest(svc.db, principal.userId);
        return { request: row && row.state !== 'finished' ? requestView(row, principal.sessionId) : null };
      },
    }),
    implement(api, 'cancelAccountReset', {
      handler: async ({ principal }) => {
        const effects = new Effects();
        const request = await svc.db.transaction(async (tx) => {
          const now = svc.now();
          const row = await waitingResetRequest(tx, principal.userId);
          if (!row || !(await endResetRequest(tx, row.id, { state: 'cancelled', at: now, byDevice: principal.deviceId }))) {
            throw new NotFound('no reset of this account is waiting', 'no_account_reset');
          }
          effects.notify([principal.userId], { type: 'account_reset_changed' });
          await svc.outbox.record(tx, effects);
          return requestView({ ...row, state: 'cancelled', ended_at: now, cancelled_by_device: principal.deviceId }, principal.sessionId);
        });
        await svc.outbox.afterCommit(effects);
        return { request };
      },
    }),
    implement(api, 'finishAccountReset', {
      rateLimited: true,
      handler: async ({ principal }) => {
        requirePasswordOnlySession(principal);
        const mine = await resetRequestOfSession(svc.db, principal.userId, principal.sessionId);
        if (!mine || mine.state === 'finished') throw new NotFound('this session asked for no reset that waits', 'no_account_reset');
        // Checked again, as the request was: the row is the service's own, but what it finishes with must hold up.
        const cert: DeviceCertificate = await verifyResetCertificate(svc, JSON.parse(mine.certificate), principal.userId);
        const effects = new Effects();
        try {
          await svc.db.transaction(async (tx) => {
            const now = svc.now();
            const row = await resetRequestOfSession(tx, principal.userId, principal.sessionId);
            if (!row || row.id !== mine.id || row.state === 'finished') throw new NotFound('this session asked for no reset that waits', 'no_account_reset');
            if (row.state === 'cancelled') {
              throw new Conflict('a signed-in device of the account cancelled this reset: it will not happen', 'reset_cancelled');
            }
            if (now < Number(row.finishes_at) && (await activeDevicesOf(tx, principal.userId, now)).length > 0) {
              throw new Conflict(
                `this reset waits until ${whenText(Number(row.finishes_at))}: until then a signed-in device of the account may cancel it`,
                'reset_waiting',
              );
            }
            if (!(await endResetRequest(tx, row.id, { state: 'finished', at: now })))
              throw new NotFound('this reset request ended meanwhile', 'no_account_reset');
            await applyReset(tx, effects, { userId: principal.userId, sessionId: principal.sessionId, oldKey: row.old_identity_key, cert, now });
            await svc.outbox.record(tx, effects);
          });
        } catch (err) {
          if (err instanceof UniqueViolation) throw new Conflict('a device with this id exists', 'device_exists');
          throw err;
        }
        await svc.outbox.afterCommit(effects);
        return resetDone(svc, principal, cert, mine.old_identity_key);
      },
    }),
  ];
}
