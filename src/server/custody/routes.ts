/**
 * `GET /v1/custody` (docs/api.md "Key custody"): the custody mode and escrow recipient every user is shown;
 * in server-trusted mode a member device asks the key service to make the next key version and fetches
 * the versions it made (docs/protocol.md §19.4, serverKeys.ts).
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import { implement, type Route } from '../http/route';
import type { Services } from '../services';
import { custodyView } from './store';

export function custodyRoutes(svc: Services): Route[] {
  return [
    implement(api, 'getCustody', { handler: () => custodyView(svc.db) }),
    implement(api, 'rotateServerKey', {
      handler: async ({ principal, params }) => ({ conversationId: params.conversationId, ...(await svc.serverKeys.rotate(principal, params.conversationId)) }),
    }),
    implement(api, 'getServerKey', {
      handler: ({ principal, params }) => svc.serverKeys.fetch(principal, params.conversationId, params.version),
    }),
  ];
}
