/**
 * Device-link endpoints (docs/api.md "Device links"; docs/protocol.md §14). A new device, signed in with a
 * password but without a device yet, opens a link with its public keys and shows the link code. One of
 * the same user's registered devices claims it by code (learning the new device's keys), the user compares
 * the confirmation code both show, and the approving device posts the account identity key HPKE-sealed to
 * the new device. The new device then registers itself with POST /v1/devices. Links expire after ten
 * minutes; only the user's own sessions see a link, and a stranger's code is simply "not found".
 */
import { Conflict, Forbidden, NotFound } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import type { Services } from '../services';
import { approveDeviceLink, claimDeviceLink, deviceLinkByCode, deviceLinkById, insertDeviceLink, type DeviceLinkRow } from '../store/deviceLinks';
import { deviceById } from '../store/devices';
import { UniqueViolation } from '../db/dbErrors';
import { LINK_CODE_ALPHABET, NewDeviceSchema, type DeviceLinkView } from '../../common/api/deviceLinkSchemas';
import { keyServiceRoutes as api } from '../../common/api/keyService';

/** How long a link stays usable. */
export const LINK_TTL_MS = 10 * 60_000;

function newCode(svc: Services): string {
  return [...svc.crypto.randomBytes(10)].map((b) => LINK_CODE_ALPHABET[b & 31] ?? '0').join('');
}

async function view(svc: Services, row: DeviceLinkRow): Promise<DeviceLinkView> {
  const approver = row.approver_device_id === null ? undefined : await deviceById(svc.db, row.approver_device_id);
  return {
    linkId: row.id,
    code: row.code,
    state: row.state,
    expiresAt: row.expires_at,
    newDevice: NewDeviceSchema.parse(JSON.parse(row.new_device)),
    approver: approver
      ? { deviceId: approver.id as DeviceLinkView['newDevice']['deviceId'], certificate: JSON.parse(approver.certificate) as Record<string, unknown> }
      : null,
    payload: row.payload === null ? null : (JSON.parse(row.payload) as DeviceLinkView['payload']),
  };
}

function liveOwnLink(svc: Services, row: DeviceLinkRow | undefined, userId: string): DeviceLinkRow {
  if (!row || row.user_id !== userId) throw new NotFound('no such device link', 'link_not_found');
  if (row.expires_at <= svc.now()) throw new NotFound('the device link expired; start linking again', 'link_expired');
  return row;
}

export function deviceLinkRoutes(svc: Services): Route[] {
  return [
    implement(api, 'openDeviceLink', {
      handler: async ({ principal, body }) => {
        if (principal.deviceId !== null) throw new Conflict('this session already belongs to a device; log in again on the new device', 'session_has_device');
        if (await deviceById(svc.db, body.deviceId)) throw new Conflict('a device with this id exists', 'device_exists');
        const now = svc.now();
        for (let attempt = 0; ; attempt++) {
          const row = {
            id: svc.newId(),
            user_id: principal.userId,
            code: newCode(svc),
            new_device: JSON.stringify(body),
            created_at: now,
            expires_at: now + LINK_TTL_MS,
          };
          try {
            await insertDeviceLink(svc.db, row);
            return view(svc, { ...row, approver_device_id: null, payload: null, state: 'waiting' });
          } catch (err) {
            if (!(err instanceof UniqueViolation) || attempt >= 3) throw err;
          }
        }
      },
    }),
    implement(api, 'getDeviceLink', {
      handler: async ({ principal, params }) => view(svc, liveOwnLink(svc, await deviceLinkById(svc.db, params.linkId), principal.userId)),
    }),
    implement(api, 'claimDeviceLink', {
      handler: async ({ principal, body }) => {
        const row = liveOwnLink(svc, await deviceLinkByCode(svc.db, body.code), principal.userId);
        if (row.approver_device_id === principal.deviceId) return view(svc, row);
        if (!(await claimDeviceLink(svc.db, row.id, principal.deviceId))) throw new Conflict('another device already claimed this link', 'link_claimed');
        return view(svc, { ...row, state: 'claimed', approver_device_id: principal.deviceId });
      },
    }),
    implement(api, 'approveDeviceLink', {
      handler: async ({ principal, params, body }) => {
        const row = liveOwnLink(svc, await deviceLinkById(svc.db, params.linkId), principal.userId);
        if (row.approver_device_id !== principal.deviceId) throw new Forbidden('only the device that claimed the link may approve it', 'not_link_approver');
        if (!(await approveDeviceLink(svc.db, row.id, principal.deviceId, JSON.stringify(body.payload)))) {
          throw new Conflict('the link is not waiting for approval', 'link_not_claimed');
        }
      },
    }),
  ];
}
