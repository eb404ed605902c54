/** `GET /v1/custody` (docs/api.md "Key custody"): the custody mode and escrow recipient every user is shown. */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import { implement, type Route } from '../http/route';
import type { Services } from '../services';
import { custodyView } from './store';

export function custodyRoutes(svc: Services): Route[] {
  return [implement(api, 'getCustody', { handler: () => custodyView(svc.db) })];
}
