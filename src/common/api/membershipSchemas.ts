/**
 * Wire schemas of membership statements on the key service (docs/api.md "Conversations and members";
 * docs/protocol.md §15): creating a conversation from its signed genesis, appending a statement (with the
 * wraps an added member is owed), and reading the chain page by page. The statements themselves are the
 * protocol objects of src/common/protocol/membershipStatement.ts.
 */
import { z } from 'zod';
import { MAX_SEQ } from '../protocol/membershipHead';
import { MAX_GENESIS_MEMBERS, MembershipStatementSchema } from '../protocol/membershipStatement';
import { ConversationNameSchema, MembershipHeadWire, VersionWrapSchema } from './conversationSchemas';

/** A signed membership statement (docs/protocol.md §15.1). */
export const MembershipStatementWire = MembershipStatementSchema.meta({ id: 'MembershipStatement' });

export const CreateConversationBody = z.strictObject({
  genesis: MembershipStatementWire.refine(
    (s) => s.change.type !== 'create' || s.change.members.length <= MAX_GENESIS_MEMBERS,
    `a conversation starts with at most ${MAX_GENESIS_MEMBERS} members`,
  ).describe("the creator's signed genesis (seq 0, change `create`): the conversation id, kind, history policy, members (at most 5,000) and roles"),
  name: ConversationNameSchema.optional().describe('groups only'),
});

export const AppendMembershipBody = z.strictObject({
  statement: MembershipStatementWire.describe('the next statement: seq = head + 1, prev = the hash of the head (seq 0 and prev null: a migrated genesis)'),
  wraps: z
    .array(VersionWrapSchema)
    .max(100_000)
    .optional()
    .describe('`add` only: wraps of every version the history policy gives the new member, for each of their devices'),
});

export const MembershipPageQuery = z.strictObject({
  after: z.coerce.number().int().min(-1).max(MAX_SEQ).default(-1).describe('return statements with a seq greater than this'),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

export const MembershipPageSchema = z
  .object({
    statements: z
      .array(z.record(z.string(), z.unknown()).meta({ id: 'MembershipStatementAnswer' }))
      .describe('ascending by seq; each a MembershipStatement, which the reader parses and verifies itself (docs/protocol.md §15.4)'),
    head: MembershipHeadWire.nullable().describe("the chain's current head; null when the conversation has no chain yet"),
    nextAfter: z.number().int().nullable().describe('pass as `after` for the next page; null at the end'),
  })
  .meta({ id: 'MembershipPage' });
