/**
 * One device by id (docs/api.md "Devices"): the certificate of any device, revoked ones included, so a
 * client can verify the signer of an old key version or the sender of an old message (docs/protocol.md
 * §6.3 step 7, §7.4). Certificates are public: any signed-in user may read them.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import { NotFound } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import type { Services } from '../services';
import { deviceById } from '../store/devices';
import { deviceView } from './views';

export function deviceLookupRoutes(svc: Services): Route[] {
  return [
    implement(api, 'getDevice', {
      handler: async ({ params }) => {
        const device = await deviceById(svc.db, params.deviceId);
        if (!device) throw new NotFound('no such device');
        return { device: deviceView(device) };
      },
    }),
  ];
}
