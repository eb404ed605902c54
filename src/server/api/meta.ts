/** Service endpoints: liveness (`/healthz`, checks the database answers) and the OpenAPI document. */
import { z } from 'zod';
import { ServiceUnavailable } from '../http/httpErrors';
import { buildOpenApi } from '../http/openapi';
import { defineRoute, type Route } from '../http/route';
import type { Services } from '../services';
import { ErrorBodySchema } from './schemas';

export const SERVICE_VERSION = '0.1.0';

export function metaRoutes(svc: Services, allRoutes: () => readonly Route[]): Route[] {
  let doc: Record<string, unknown> | null = null;
  return [
    defineRoute({
      method: 'GET',
      path: '/healthz',
      tag: 'service',
      summary: 'Liveness: the service runs and its database answers',
      auth: 'public',
      response: z.object({ ok: z.literal(true), database: z.enum(['sqlite', 'postgres']), pubnub: z.boolean() }),
      errors: [503],
      handler: async () => {
        try {
          await svc.db.one('SELECT 1 AS one');
        } catch {
          throw new ServiceUnavailable('database unavailable');
        }
        return { ok: true as const, database: svc.db.dialect, pubnub: svc.pubnub.enabled };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/openapi.json',
      tag: 'service',
      summary: 'This OpenAPI 3.1 document',
      auth: 'public',
      response: z.record(z.string(), z.unknown()),
      errors: [],
      handler: async () => (doc ??= buildOpenApi(allRoutes(), ErrorBodySchema, SERVICE_VERSION)),
    }),
  ];
}
