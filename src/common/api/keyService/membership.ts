/**
 * Routes of membership statements (docs/api.md "Conversations and members", docs/protocol.md §15): every
 * change of who is in a conversation, and with which role, is a statement signed by the acting member's
 * device and chained by hash; the key service checks and stores it and serves the chain to members.
 */
import type { KeyServiceAnswerCode } from '../../errorCodes';
import { ConversationIdParam, ConversationViewSchema } from '../conversationSchemas';
import { AppendMembershipBody, MembershipPageQuery, MembershipPageSchema } from '../membershipSchemas';
import { defineRoutes } from '../route';
import { WRAP_BODY_LIMIT_BYTES } from './keyVersions';

/** What a refused genesis or statement answers (422): not the caller's, malformed, not signed by the caller's device, against the rules. */
export const GENESIS_ERRORS = [
  'actor_not_caller',
  'malformed',
  'signer_not_certified',
  'bad_signature',
  'membership_rule',
  'migration_mismatch',
] as const satisfies readonly KeyServiceAnswerCode[];

export const membershipRoutes = defineRoutes({
  appendMembership: {
    method: 'POST',
    path: '/v1/conversations/:conversationId/membership',
    tag: 'members',
    summary:
      "Append a membership statement signed by the caller's device: add (with the wraps the history policy gives), remove, leave, role, history policy, or a migrated genesis",
    auth: 'device',
    params: ConversationIdParam,
    body: AppendMembershipBody,
    bodyLimitBytes: WRAP_BODY_LIMIT_BYTES,
    response: ConversationViewSchema,
    status: 201,
    errors: {
      403: ['not_a_member', 'device_unknown'],
      404: ['not_found'],
      409: ['membership_conflict'],
      422: ['wrong_conversation', ...GENESIS_ERRORS, 'unknown_user', 'wraps_mismatch', 'bad_grant'],
    },
  },
  getMembership: {
    method: 'GET',
    path: '/v1/conversations/:conversationId/membership',
    tag: 'members',
    summary: "The conversation's membership statements after a seq, ascending and paged, with the current head",
    auth: 'device',
    params: ConversationIdParam,
    query: MembershipPageQuery,
    response: MembershipPageSchema,
    errors: { 403: ['not_a_member'], 404: ['not_found'] },
  },
});
