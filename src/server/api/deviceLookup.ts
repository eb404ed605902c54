/**
 * One device by id (issue 6, client core): the certificate of any device, revoked ones included, so a
 * client can verify the signer of an old key version or the sender of an old message (docs/protocol.md
 * §6.3 step 7, §7.4). Certificates are public: any signed-in user may read them.
 */
import { z } from 'zod';
import { NotFound } from '../http/httpErrors';
import { defineRoute, type Route } from '../http/route';
import type { Services } from '../services';
import { deviceById } from '../store/devices';
import { DeviceIdParam, DeviceViewSchema } from './schemas';
import { deviceView } from './views';

export function deviceLookupRoutes(svc: Services): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/v1/devices/:deviceId',
      tag: 'devices',
      summary: 'One device with its certificate, revoked or not (to verify old signatures)',
      auth: 'user',
      params: DeviceIdParam,
      response: z.object({ device: DeviceViewSchema }),
      errors: [400, 401, 404],
      handler: async ({ params }) => {
        const device = await deviceById(svc.db, params.deviceId);
        if (!device) throw new NotFound('no such device');
        return { device: deviceView(device) };
      },
    }),
  ];
}
