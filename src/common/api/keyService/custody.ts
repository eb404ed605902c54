/** Routes of the organisation's key custody (docs/api.md "Key custody", docs/protocol.md §19). */
import { ConversationIdParam } from '../conversationSchemas';
import { CustodySchema, ServerKeyMadeSchema, ServerKeySchema } from '../custodySchemas';
import { VersionParam } from '../keyVersionSchemas';
import { defineRoutes } from '../route';

/** The KMS failures a server-trusted key version can meet (503). */
const KMS_ERRORS = ['kms_unavailable', 'kms_key_disabled', 'kms_decrypt_failed'] as const;

export const custodyRoutes = defineRoutes({
  getCustody: {
    method: 'GET',
    path: '/v1/custody',
    tag: 'custody',
    summary: "The organisation's custody mode and, in escrow mode, the recovery recipient every key version is also wrapped to",
    auth: 'user',
    response: CustodySchema,
    errors: {},
  },
  rotateServerKey: {
    method: 'POST',
    path: '/v1/conversations/:conversationId/server-keys',
    tag: 'custody',
    summary: 'Server-trusted mode: the key service makes key version N+1 (KMS GenerateDataKey) for the current membership',
    auth: 'device',
    params: ConversationIdParam,
    response: ServerKeyMadeSchema,
    status: 201,
    errors: { 403: ['not_a_member'], 404: ['not_found'], 409: ['custody_not_server_trusted'], 503: KMS_ERRORS },
  },
  getServerKey: {
    method: 'GET',
    path: '/v1/conversations/:conversationId/server-keys/:version',
    tag: 'custody',
    summary: "Server-trusted mode: a version the key service made, sealed to your device's X25519 key",
    auth: 'device',
    params: VersionParam,
    response: ServerKeySchema,
    errors: { 403: ['not_a_member', 'before_membership'], 404: ['not_found', 'no_such_version'], 503: KMS_ERRORS },
  },
});
