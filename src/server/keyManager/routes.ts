/**
 * The key manager's HTTP API under `<basePath>/v1` (docs/broadcast.md §5), declared with zod so the same
 * schemas validate requests and render `<basePath>/v1/openapi.json`. Authority travels in the request
 * body as a role claim (routes are `public` at the HTTP layer; the key manager verifies the claim).
 */
import { z } from 'zod';
import {
  ChannelInfoSchema,
  CreateChannelRequestSchema,
  DeviceRequestSchema,
  KeyManagerErrorBodySchema,
  KeyManagerInfoSchema,
  PublicKeyResponseSchema,
  PublishersResponseSchema,
  RevokeRequestSchema,
  RevokeResponseSchema,
  WrappedKeysResponseSchema,
} from '../../common/broadcast/keyManagerApi';
import { ChannelIdSchema } from '../../common/ids';
import { buildOpenApi } from '../http/openapi';
import { defineRoute, type Route } from '../http/route';
import type { ClaimVerifier } from './claimVerifier';
import type { KeyManager } from './keyManager';
import { toHttpError } from './refusals';

const ChannelParam = z.object({ channelId: ChannelIdSchema });
const TAG = 'key manager';

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toHttpError(err);
  }
}

/** The parts the routes call; resolved per request so a mounted instance can start on first use. */
export interface KeyManagerParts {
  readonly km: KeyManager;
  readonly claims: ClaimVerifier;
}

export function keyManagerRoutes(parts: () => KeyManagerParts, basePath = ''): Route[] {
  const v1 = `${basePath}/v1`;
  const km = () => parts().km;

  let doc: Record<string, unknown> | null = null;
  const routes: Route[] = [
    defineRoute({
      method: 'GET',
      path: `${v1}/info`,
      tag: TAG,
      summary: 'Who this key manager is: the claim audience it expects and the issuers it trusts',
      auth: 'public',
      response: KeyManagerInfoSchema,
      errors: [],
      handler: async () => ({ keyManager: true as const, audience: km().url, trustedIssuers: parts().claims.trustedIssuers }),
    }),
    defineRoute({
      method: 'POST',
      path: `${v1}/channels`,
      tag: TAG,
      summary: 'Create a channel from a descriptor signed by a channel-creator; makes key version 1',
      auth: 'public',
      body: CreateChannelRequestSchema,
      response: z.object({ channelId: ChannelIdSchema, version: z.number(), publicKey: z.string(), createdAt: z.number() }),
      status: 201,
      errors: [400, 401, 403, 409, 422, 503],
      handler: ({ body }) => guarded(() => km().createChannel(body.claim, body.descriptor)),
    }),
    defineRoute({
      method: 'GET',
      path: `${v1}/channels/:channelId`,
      tag: TAG,
      summary: 'The signed descriptor and every key version (public keys only)',
      auth: 'public',
      params: ChannelParam,
      response: ChannelInfoSchema,
      errors: [400, 404, 422],
      handler: ({ params }) => guarded(() => km().info(params.channelId)),
    }),
    defineRoute({
      method: 'POST',
      path: `${v1}/channels/:channelId/public-key`,
      tag: TAG,
      summary: 'The current public key, for a publisher device (checks the claim against the publisher rule)',
      auth: 'public',
      params: ChannelParam,
      body: DeviceRequestSchema,
      response: PublicKeyResponseSchema,
      errors: [400, 401, 403, 404, 422, 503],
      handler: ({ params, body }) => guarded(() => km().publicKey(params.channelId, body.claim, body.certificate)),
    }),
    defineRoute({
      method: 'POST',
      path: `${v1}/channels/:channelId/keys`,
      tag: TAG,
      summary: "Every version's private key HPKE-wrapped to the subscriber's certified device",
      auth: 'public',
      params: ChannelParam,
      body: DeviceRequestSchema,
      response: WrappedKeysResponseSchema,
      errors: [400, 401, 403, 404, 422, 503],
      handler: ({ params, body }) => guarded(() => km().wrappedKeys(params.channelId, body.claim, body.certificate)),
    }),
    defineRoute({
      method: 'POST',
      path: `${v1}/channels/:channelId/revocations`,
      tag: TAG,
      summary: 'Revoke a user (creator only): makes a new key version the user cannot fetch',
      auth: 'public',
      params: ChannelParam,
      body: RevokeRequestSchema,
      response: RevokeResponseSchema,
      status: 201,
      errors: [400, 401, 403, 404, 422, 503],
      handler: ({ params, body }) => guarded(() => km().revoke(params.channelId, body.claim, body.userId)),
    }),
    defineRoute({
      method: 'GET',
      path: `${v1}/channels/:channelId/publishers`,
      tag: TAG,
      summary: 'Certificates of devices given the publishing key, and revoked users (subscribers verify senders with them)',
      auth: 'public',
      params: ChannelParam,
      response: PublishersResponseSchema,
      errors: [400, 404],
      handler: ({ params }) => guarded(async () => km().publishers(params.channelId)),
    }),
    defineRoute({
      method: 'GET',
      path: `${v1}/openapi.json`,
      tag: TAG,
      summary: 'This OpenAPI 3.1 document',
      auth: 'public',
      response: z.record(z.string(), z.unknown()),
      errors: [],
      handler: async () => (doc ??= buildOpenApi(routes, KeyManagerErrorBodySchema, '0.1.0')),
    }),
  ];
  return routes;
}
