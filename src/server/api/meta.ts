/**
 * Service endpoints: liveness (`/healthz`: the database answers; with the PubNub outbox's queue depth and
 * oldest pending age for operators, docs/operations.md) and the OpenAPI document.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import { ErrorBodySchema } from '../../common/api/serviceSchemas';
import { ServiceUnavailable } from '../http/httpErrors';
import { buildOpenApi } from '../http/openapi';
import { implement, type Route } from '../http/route';
import type { Services } from '../services';

export const SERVICE_VERSION = '0.1.0';

export function metaRoutes(svc: Services, allRoutes: () => readonly Route[]): Route[] {
  let doc: Record<string, unknown> | null = null;
  return [
    implement(api, 'getHealth', {
      handler: async () => {
        let outbox;
        try {
          outbox = await svc.outbox.stats();
        } catch {
          throw new ServiceUnavailable('database unavailable');
        }
        return { ok: true as const, database: svc.db.dialect, pubnub: svc.pubnub.enabled, outbox };
      },
    }),
    implement(api, 'getOpenApi', {
      handler: async () => (doc ??= buildOpenApi(allRoutes(), ErrorBodySchema, SERVICE_VERSION)),
    }),
  ];
}
