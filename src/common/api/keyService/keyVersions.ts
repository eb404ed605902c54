/**
 * Routes of key versions and wraps (docs/api.md "Key versions", docs/protocol.md §6). Reads answer only
 * the calling device's own wrap; a refused record answers its protocol code (422).
 */
import { PROTOCOL_ERROR_CODES } from '../../errorCatalog/protocol';
import { AddWrapsBody, ConversationIdParam, WrapsAddedSchema } from '../conversationSchemas';
import { AtParam, DeviceKeyVersionSchema, PageQuery, SubmitVersionBody, VersionAcceptedSchema, VersionPageSchema, VersionParam } from '../keyVersionSchemas';
import { defineRoutes } from '../route';

/** What a fetch of one version answers besides the version. */
const ONE_VERSION_ERRORS = {
  403: ['not_a_member', 'before_membership'],
  404: ['not_found', 'no_versions', 'no_such_version', 'no_wrap', 'lost_in_reset'],
  /** The key service made this version (server-trusted custody, docs/protocol.md §19.4): fetch it from …/server-keys/{version}. */
  409: ['server_made_version'],
} as const;

/**
 * The body limit of the routes that carry wraps (docs/api.md "Conventions"): a record for the most member
 * devices (10,000) when every wrap is X-Wing — at most ~1.75 KB of JSON per device (a 1,120-byte `enc` is
 * 1,494 base64url characters, plus `ct`, `suite`, and the 64-character id twice, in `wraps` and in
 * `memberDevices`) — with room for the escrow wrap and the header: 20 MiB. Everything else keeps 2 MiB.
 */
export const WRAP_BODY_LIMIT_BYTES = 20 * 1024 * 1024;

export const keyVersionRoutes = defineRoutes({
  submitKeyVersion: {
    method: 'POST',
    path: '/v1/conversations/:conversationId/versions',
    tag: 'key versions',
    summary: 'Submit key version N+1: a signed record for the current membership head with a wrap for every current member device',
    auth: 'device',
    params: ConversationIdParam,
    body: SubmitVersionBody,
    bodyLimitBytes: WRAP_BODY_LIMIT_BYTES,
    response: VersionAcceptedSchema,
    status: 201,
    errors: {
      403: ['not_a_member', 'device_unknown'],
      404: ['not_found'],
      409: ['version_conflict', 'membership_changed'],
      422: [
        'signer_not_caller',
        'member_devices_mismatch',
        'escrow_wrap_missing',
        'escrow_recipient_mismatch',
        'escrow_not_enabled',
        'server_keys_only',
        ...PROTOCOL_ERROR_CODES,
      ],
    },
  },
  listKeyVersions: {
    method: 'GET',
    path: '/v1/conversations/:conversationId/versions',
    tag: 'key versions',
    summary: "Every version your device is entitled to, with your device's wraps, ascending and paged",
    auth: 'device',
    params: ConversationIdParam,
    query: PageQuery,
    response: VersionPageSchema,
    errors: { 403: ['not_a_member'], 404: ['not_found'] },
  },
  getLatestKeyVersion: {
    method: 'GET',
    path: '/v1/conversations/:conversationId/versions/latest',
    tag: 'key versions',
    summary: "The current version with your device's wrap",
    auth: 'device',
    params: ConversationIdParam,
    response: DeviceKeyVersionSchema,
    errors: ONE_VERSION_ERRORS,
  },
  getKeyVersionAt: {
    method: 'GET',
    path: '/v1/conversations/:conversationId/versions/at/:timestamp',
    tag: 'key versions',
    summary: 'The version that was current at a time (ms since the epoch), by server acceptance time',
    auth: 'device',
    params: AtParam,
    response: DeviceKeyVersionSchema,
    errors: ONE_VERSION_ERRORS,
  },
  getKeyVersion: {
    method: 'GET',
    path: '/v1/conversations/:conversationId/versions/:version',
    tag: 'key versions',
    summary: "One version by number, with your device's wrap",
    auth: 'device',
    params: VersionParam,
    response: DeviceKeyVersionSchema,
    errors: ONE_VERSION_ERRORS,
  },
  addWraps: {
    method: 'POST',
    path: '/v1/conversations/:conversationId/wraps',
    tag: 'key versions',
    summary: "Add wraps of existing versions for member devices that lack them (e.g. a member's new device)",
    auth: 'device',
    params: ConversationIdParam,
    body: AddWrapsBody,
    bodyLimitBytes: WRAP_BODY_LIMIT_BYTES,
    response: WrapsAddedSchema,
    status: 201,
    errors: { 403: ['not_a_member', 'device_unknown'], 404: ['not_found'], 409: ['wrap_exists'], 422: ['wraps_mismatch', 'bad_grant'] },
  },
});
