/**
 * Routes of conversations (docs/api.md "Conversations and members"). Every one of them answers 404 for an
 * unknown conversation and 403 `not_a_member` to anyone who is not a current member. A conversation is
 * created from its signed genesis; later membership changes are statements (keyService/membership.ts).
 */
import { ConversationIdParam, ConversationListSchema, ConversationViewSchema, RenameBody } from '../conversationSchemas';
import { CreateConversationBody } from '../membershipSchemas';
import { defineRoutes } from '../route';
import { GENESIS_ERRORS } from './membership';

export const conversationRoutes = defineRoutes({
  createConversation: {
    method: 'POST',
    path: '/v1/conversations',
    tag: 'conversations',
    summary: "Create a direct (1:1) or group conversation from the caller's signed genesis; the caller is its owner",
    auth: 'device',
    body: CreateConversationBody,
    response: ConversationViewSchema,
    status: 201,
    errors: { 403: ['device_unknown'], 409: ['conversation_id_taken'], 422: ['bad_direct', 'name_required', 'unknown_user', ...GENESIS_ERRORS] },
  },
  listConversations: {
    method: 'GET',
    path: '/v1/conversations',
    tag: 'conversations',
    summary: 'The conversations you are a member of',
    auth: 'device',
    response: ConversationListSchema,
    errors: {},
  },
  getConversation: {
    method: 'GET',
    path: '/v1/conversations/:conversationId',
    tag: 'conversations',
    summary: 'One conversation you are a member of, with its members',
    auth: 'device',
    params: ConversationIdParam,
    response: ConversationViewSchema,
    errors: { 403: ['not_a_member'], 404: ['not_found'] },
  },
  renameConversation: {
    method: 'PATCH',
    path: '/v1/conversations/:conversationId',
    tag: 'conversations',
    summary: 'Rename a group conversation (owner or admin)',
    auth: 'device',
    params: ConversationIdParam,
    body: RenameBody,
    response: ConversationViewSchema,
    errors: { 403: ['not_a_member', 'role_required'], 404: ['not_found'], 409: ['direct_conversation', 'conflict'] },
  },
});
