/**
 * Turning what a person types into ids: a conversation by id or by (unique) group name, a user by
 * username or id.
 */
import type { ConversationId, UserId } from '../common/ids';
import type { Client } from '../main/core/client';
import type { ConversationInfo } from '../main/core/conversations';
import { UsageError } from './errors';

export async function conversationOf(client: Client, ref: string | undefined): Promise<ConversationInfo> {
  if (ref === undefined) throw new UsageError('which conversation? give its id or name');
  const all = await client.conversations();
  const byId = all.find((c) => c.conversationId === ref);
  if (byId) return byId;
  const byName = all.filter((c) => c.name === ref);
  if (byName.length === 1 && byName[0]) return byName[0];
  if (byName.length > 1) throw new UsageError(`several conversations are named ${JSON.stringify(ref)}; use the id`);
  throw new UsageError(`no conversation ${JSON.stringify(ref)} (see \`conversations\`)`);
}

export async function conversationIdOf(client: Client, ref: string | undefined): Promise<ConversationId> {
  return (await conversationOf(client, ref)).conversationId;
}

export async function userIdOf(client: Client, ref: string | undefined): Promise<UserId> {
  if (ref === undefined) throw new UsageError('which user? give a username or user id');
  return (await client.findUser(ref)).userId as UserId;
}
