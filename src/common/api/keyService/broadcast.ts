/**
 * Routes of the key service's broadcast side (docs/broadcast.md §2.1): role claims for a key manager, the
 * channel directory, per-channel role grants, and the broadcast PubNub token. The default key manager it
 * mounts under `/km` has its own table (src/common/api/keyManager.ts).
 */
import {
  ChannelListSchema,
  ClaimRequestBody,
  ClaimSchema,
  GrantBody,
  GrantedRoleSchema,
  GrantParams,
  ListChannelBody,
  ListedChannelIdSchema,
  WithdrawParams,
} from '../broadcastSchemas';
import { BroadcastPubnubTokenSchema } from '../pubnubSchemas';
import { defineRoutes } from '../route';
import { NoContent } from '../serviceSchemas';

export const broadcastRoutes = defineRoutes({
  getBroadcastClaim: {
    method: 'POST',
    path: '/v1/broadcast/claims',
    tag: 'broadcast',
    summary: 'A role claim (JWT) for the calling user and device, for one key manager audience',
    auth: 'device',
    body: ClaimRequestBody,
    response: ClaimSchema,
    errors: { 403: ['account_deactivated'] },
  },
  grantChannelRole: {
    method: 'POST',
    path: '/v1/broadcast/channels/:channelId/grants',
    tag: 'broadcast',
    summary: "Grant a user a channel role (the channel's owner: the creator who listed it in the directory)",
    auth: 'device',
    params: GrantParams,
    body: GrantBody,
    response: GrantedRoleSchema,
    status: 201,
    errors: { 403: ['not_channel_owner'], 404: ['not_found', 'channel_not_listed'] },
  },
  withdrawChannelRole: {
    method: 'DELETE',
    path: '/v1/broadcast/channels/:channelId/grants/:userId/:kind',
    tag: 'broadcast',
    summary: 'Withdraw a channel role (owner only); also revoke the user at the key manager to rotate the key',
    auth: 'device',
    params: WithdrawParams,
    response: NoContent,
    status: 204,
    errors: { 403: ['not_channel_owner'], 404: ['not_found', 'channel_not_listed'] },
  },
  registerChannel: {
    method: 'POST',
    path: '/v1/broadcast/directory',
    tag: 'broadcast',
    summary: 'List a channel you created (its descriptor signed by this device); you become its owner for grants',
    auth: 'device',
    body: ListChannelBody,
    response: ListedChannelIdSchema,
    status: 201,
    errors: {
      403: ['not_channel_creator'],
      409: ['channel_id_taken', 'already_listed'],
      422: ['descriptor_malformed', 'descriptor_bad_signature', 'descriptor_not_certified', 'descriptor_wrong_key_manager'],
    },
  },
  listChannels: {
    method: 'GET',
    path: '/v1/broadcast/directory',
    tag: 'broadcast',
    summary: 'Listed channels, with the roles the caller holds on each',
    auth: 'device',
    response: ChannelListSchema,
    errors: {},
  },
  getBroadcastPubnubToken: {
    method: 'POST',
    path: '/v1/broadcast/pubnub-token',
    tag: 'broadcast',
    summary: 'A PubNub Access Manager token for your broadcast channels (read as subscriber, read+write as owner or publisher)',
    auth: 'device',
    response: BroadcastPubnubTokenSchema,
    errors: { 503: ['unavailable', 'messaging_unavailable'] },
  },
});
