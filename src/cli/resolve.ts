/**
 * Turning what a person types into ids: a conversation by id or by (unique) group name, a broadcast
 * channel by id or (unique) name, a user by username or id.
 */
import { BroadcastError } from '../common/broadcast/errors';
import type { ConversationId, UserId } from '../common/ids';
import type { BroadcastChannelView, BroadcastService, Client, ConversationInfo } from '../client';
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

/** A channel of the directory (or a followed one) by id or unique name. */
export async function channelOf(service: BroadcastService, ref: string | undefined): Promise<BroadcastChannelView> {
  if (ref === undefined || ref === '') throw new UsageError('which channel? give its id or name (see `bcast list`)');
  const all = await service.channels();
  const byId = all.find((c) => c.channelId === ref);
  if (byId) return byId;
  const byName = all.filter((c) => c.name === ref);
  if (byName.length === 1 && byName[0]) return byName[0];
  if (byName.length > 1) throw new UsageError(`several channels are named ${JSON.stringify(ref)}; use the id`);
  throw new BroadcastError('channel_unknown', `no channel ${JSON.stringify(ref)} in the directory (see \`bcast list\`)`);
}
