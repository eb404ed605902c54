/**
 * The key service's route table (docs/api.md "The key-service API as data"): every route it serves, by
 * name, as data (src/common/api/route.ts). The server implements each entry exactly once
 * (src/server/http/route.ts checks), the client core calls them by name (src/client/keyServiceApi.ts),
 * and /v1/openapi.json is rendered from the same entries. The default key manager it mounts under `/km`
 * is the table of src/common/api/keyManager.ts.
 */
import { accountRoutes } from './keyService/accounts';
import { broadcastRoutes } from './keyService/broadcast';
import { conversationRoutes } from './keyService/conversations';
import { custodyRoutes } from './keyService/custody';
import { deviceLinkRoutes } from './keyService/deviceLinks';
import { deviceRoutes } from './keyService/devices';
import { keyVersionRoutes } from './keyService/keyVersions';
import { membershipRoutes } from './keyService/membership';
import { recoveryRoutes } from './keyService/recovery';
import { oidcRoutes } from './keyService/oidc';
import { serviceRoutes } from './keyService/service';
import { sessionRoutes } from './keyService/sessions';
import { defineRoutes } from './route';

export const keyServiceRoutes = defineRoutes({
  ...serviceRoutes,
  ...accountRoutes,
  ...oidcRoutes,
  ...sessionRoutes,
  ...deviceRoutes,
  ...deviceLinkRoutes,
  ...conversationRoutes,
  ...membershipRoutes,
  ...keyVersionRoutes,
  ...broadcastRoutes,
  ...recoveryRoutes,
  ...custodyRoutes,
});

export type KeyServiceRoutes = typeof keyServiceRoutes;
export type KeyServiceRouteName = keyof KeyServiceRoutes & string;
