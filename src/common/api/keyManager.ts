/**
 * The broadcast key manager's route table (docs/broadcast.md §5), built like the key service's
 * (src/common/api/route.ts): paths are relative to the key manager's base URL (the key service mounts its
 * default one under `/km`). Every route is public at the HTTP layer — authority travels in the body as a
 * role claim the key manager verifies — so refusals are the broadcast codes (docs/broadcast.md §7).
 * The server implements it in src/server/keyManager/routes.ts, the client calls it in
 * src/client/broadcast/keyManagerClient.ts.
 */
import { z } from 'zod';
import {
  ChannelInfoSchema,
  CreateChannelRequestSchema,
  DeviceRequestSchema,
  KeyManagerInfoSchema,
  PublicKeyResponseSchema,
  PublishersResponseSchema,
  RevokeRequestSchema,
  RevokeResponseSchema,
  WrappedKeysResponseSchema,
} from '../broadcast/keyManagerApi';
import { ChannelIdSchema } from '../ids';
import { defineRoutes } from './route';
import { OpenApiDocumentSchema } from './serviceSchemas';

const ChannelParam = z.object({ channelId: ChannelIdSchema });
const TAG = 'key manager';

const CLAIM_REFUSED = ['claim_malformed', 'claim_forged', 'claim_expired', 'claim_wrong_audience', 'claim_wrong_issuer', 'claim_unsupported_alg'] as const;
const DESCRIPTOR_REFUSED = ['descriptor_malformed', 'descriptor_bad_signature', 'descriptor_not_certified', 'descriptor_wrong_key_manager'] as const;
/** A device request: the claim, the role, the device certificate, the channel. */
const DEVICE_REQUEST_ERRORS = {
  401: CLAIM_REFUSED,
  403: ['role_missing', 'subscriber_revoked'],
  404: ['channel_unknown'],
  422: ['certificate_refused', ...DESCRIPTOR_REFUSED],
  503: ['issuer_unreachable', 'key_manager_state'],
} as const;

export const keyManagerRoutes = defineRoutes({
  getKeyManagerInfo: {
    method: 'GET',
    path: '/v1/info',
    tag: TAG,
    summary: 'Who this key manager is: the claim audience it expects and the issuers it trusts',
    auth: 'public',
    response: KeyManagerInfoSchema,
    errors: {},
  },
  createChannel: {
    method: 'POST',
    path: '/v1/channels',
    tag: TAG,
    summary: 'Create a channel from a descriptor signed by a channel-creator; makes key version 1',
    auth: 'public',
    body: CreateChannelRequestSchema,
    response: z.object({ channelId: ChannelIdSchema, version: z.number(), publicKey: z.string(), createdAt: z.number() }),
    status: 201,
    errors: { 401: CLAIM_REFUSED, 403: ['role_missing'], 409: ['channel_exists'], 422: DESCRIPTOR_REFUSED, 503: ['issuer_unreachable', 'key_manager_state'] },
  },
  getChannel: {
    method: 'GET',
    path: '/v1/channels/:channelId',
    tag: TAG,
    summary: 'The signed descriptor and every key version (public keys only)',
    auth: 'public',
    params: ChannelParam,
    response: ChannelInfoSchema,
    errors: { 404: ['channel_unknown'], 422: DESCRIPTOR_REFUSED },
  },
  getChannelPublicKey: {
    method: 'POST',
    path: '/v1/channels/:channelId/public-key',
    tag: TAG,
    summary: 'The current public key, for a publisher device (checks the claim against the publisher rule)',
    auth: 'public',
    params: ChannelParam,
    body: DeviceRequestSchema,
    response: PublicKeyResponseSchema,
    errors: DEVICE_REQUEST_ERRORS,
  },
  getWrappedChannelKeys: {
    method: 'POST',
    path: '/v1/channels/:channelId/keys',
    tag: TAG,
    summary: "Every version's private key HPKE-wrapped to the subscriber's certified device",
    auth: 'public',
    params: ChannelParam,
    body: DeviceRequestSchema,
    response: WrappedKeysResponseSchema,
    errors: DEVICE_REQUEST_ERRORS,
  },
  revokeSubscriber: {
    method: 'POST',
    path: '/v1/channels/:channelId/revocations',
    tag: TAG,
    summary: 'Revoke a user (creator only): makes a new key version the user cannot fetch',
    auth: 'public',
    params: ChannelParam,
    body: RevokeRequestSchema,
    response: RevokeResponseSchema,
    status: 201,
    errors: { 401: CLAIM_REFUSED, 403: ['role_missing'], 404: ['channel_unknown'], 422: DESCRIPTOR_REFUSED, 503: ['issuer_unreachable', 'key_manager_state'] },
  },
  getChannelPublishers: {
    method: 'GET',
    path: '/v1/channels/:channelId/publishers',
    tag: TAG,
    summary: 'Certificates of devices given the publishing key, and revoked users (subscribers verify senders with them)',
    auth: 'public',
    params: ChannelParam,
    response: PublishersResponseSchema,
    errors: { 404: ['channel_unknown'] },
  },
  getKeyManagerOpenApi: {
    method: 'GET',
    path: '/v1/openapi.json',
    tag: TAG,
    summary: 'This OpenAPI 3.1 document',
    auth: 'public',
    response: OpenApiDocumentSchema,
    errors: {},
  },
});

export type KeyManagerRoutes = typeof keyManagerRoutes;
export type KeyManagerRouteName = keyof KeyManagerRoutes & string;
