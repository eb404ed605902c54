/**
 * Routes of the service itself (docs/api.md "Service", "PubNub"): liveness, the OpenAPI document, the
 * claim issuer's JWKS (docs/broadcast.md §2) and the PubNub Access Manager token.
 */
import { PubnubTokenSchema } from '../pubnubSchemas';
import { defineRoutes } from '../route';
import { HealthSchema, JwksSchema, OpenApiDocumentSchema } from '../serviceSchemas';

export const serviceRoutes = defineRoutes({
  getHealth: {
    method: 'GET',
    path: '/healthz',
    tag: 'service',
    summary: 'Liveness: the service runs and its database answers; with the PubNub outbox queue depth',
    auth: 'public',
    response: HealthSchema,
    errors: { 503: ['unavailable'] },
  },
  getOpenApi: {
    method: 'GET',
    path: '/v1/openapi.json',
    tag: 'service',
    summary: 'This OpenAPI 3.1 document',
    auth: 'public',
    response: OpenApiDocumentSchema,
    errors: {},
  },
  getClaimKeys: {
    method: 'GET',
    path: '/.well-known/jwks.json',
    tag: 'claims',
    summary: 'Public keys (JWKS) that verify role claims',
    auth: 'public',
    response: JwksSchema,
    errors: {},
  },
  getPubnubToken: {
    method: 'POST',
    path: '/v1/pubnub/token',
    tag: 'pubnub',
    summary: 'A PubNub Access Manager token for exactly your channels and your inbox',
    auth: 'device',
    response: PubnubTokenSchema,
    errors: { 503: ['unavailable', 'messaging_unavailable'] },
  },
});
