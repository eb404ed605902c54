/**
 * Conversation commands (docs/client.md, "CLI"): conversations, create, members add/remove, rotate, leave.
 */
import type { UserId } from '../../common/ids';
import type { Client, ConversationInfo } from '../../client';
import type { CliArgs } from '../args';
import { UsageError } from '../errors';
import type { Output } from '../output';
import { conversationIdOf, userIdOf } from '../resolve';

async function describe(client: Client, c: ConversationInfo): Promise<string> {
  const names: string[] = [];
  for (const m of c.members) names.push(m.userId === client.session().userId ? 'you' : (await client.findUser(m.userId)).username);
  const title = c.kind === 'direct' ? `direct with ${names.filter((n) => n !== 'you').join(', ')}` : `group "${c.name ?? ''}"`;
  return `${c.conversationId}  ${title}  [${names.join(', ')}] key v${c.currentVersion}${c.needsRotation ? ' (rotation due)' : ''}, history ${c.historyPolicy}`;
}

export async function list(client: Client, _args: CliArgs, out: Output): Promise<void> {
  const all = await client.conversations();
  const lines: string[] = [];
  for (const c of all) lines.push(await describe(client, c));
  // A conversation whose membership does not verify is not listed as usable; say which and why.
  for (const { conversationId, error } of client.refusedConversations()) out.note(`refused ${conversationId}: ${error.code}: ${error.message}`);
  out.result(all, lines.length > 0 ? lines : ['no conversations yet']);
}

export async function create(client: Client, args: CliArgs, out: Output): Promise<void> {
  if (args.rest.length === 0) throw new UsageError('create needs at least one USER');
  const history = args.flags.history ?? 'shared';
  if (history !== 'shared' && history !== 'joined') throw new UsageError('--history is shared or joined');
  const members: UserId[] = [];
  for (const ref of args.rest) members.push(await userIdOf(client, ref));
  const group = args.flags.group || members.length > 1 || args.flags.name !== undefined;
  const c = await client.createConversation({
    kind: group ? 'group' : 'direct',
    members,
    historyPolicy: history,
    ...(args.flags.name ? { name: args.flags.name } : {}),
  });
  out.result(c, `created ${await describe(client, c)}`);
}

export async function members(client: Client, args: CliArgs, out: Output): Promise<void> {
  const [action, convRef, userRef] = args.rest;
  const conversationId = await conversationIdOf(client, convRef);
  const userId = await userIdOf(client, userRef);
  if (action === 'add') {
    const c = await client.addMember(conversationId, userId, args.flags.admin ? 'admin' : 'member');
    out.result(c, `added ${userRef ?? ''}: ${await describe(client, c)}`);
  } else if (action === 'remove') {
    const c = await client.removeMember(conversationId, userId);
    out.result(c, `removed ${userRef ?? ''}; key rotated to v${c.currentVersion}`);
  } else throw new UsageError('members add|remove CONV USER');
}

export async function rotate(client: Client, args: CliArgs, out: Output): Promise<void> {
  const conversationId = await conversationIdOf(client, args.rest[0]);
  const version = await client.rotate(conversationId);
  out.result({ conversationId, version }, `rotated ${conversationId} to key v${version}`);
}

export async function leave(client: Client, args: CliArgs, out: Output): Promise<void> {
  const conversationId = await conversationIdOf(client, args.rest[0]);
  await client.leave(conversationId);
  out.result({ conversationId, left: true }, `left ${conversationId}`);
}
