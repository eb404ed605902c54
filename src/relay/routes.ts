/**
 * The relay's route table: every PubNub REST endpoint it implements (docs/pubnub-wire.md §2). Anything else is a
 * 404 with a JSON body naming the path.
 */
import type { RouteDef } from './http/router';
import { accessManagerRoutes } from './handlers/accessManager';
import { actionRoutes } from './handlers/actions';
import { channelGroupRoutes } from './handlers/channelGroups';
import { fileRoutes } from './handlers/files';
import { historyRoutes } from './handlers/history';
import { presenceRoutes } from './handlers/presence';
import { publishRoutes } from './handlers/publish';
import { pushRoutes } from './handlers/push';
import { subscribeRoutes } from './handlers/subscribe';
import { timeRoutes } from './handlers/time';

export const ROUTES: readonly RouteDef[] = [
  ...timeRoutes,
  ...publishRoutes,
  ...subscribeRoutes,
  ...presenceRoutes,
  ...historyRoutes,
  ...actionRoutes,
  ...channelGroupRoutes,
  ...accessManagerRoutes,
  ...pushRoutes,
  ...fileRoutes,
];
