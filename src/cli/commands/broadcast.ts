/**
 * `bcast` commands (docs/broadcast.md §8.1, docs/client.md "Broadcast"): create a channel on the default
 * or a custom key manager, list the directory, grant roles, publish, and revoke a reader (new channel key,
 * their roles withdrawn); a custom key manager must be https (loopback http for development). Reading
 * and following are in broadcastRead.ts. Everything goes through the
 * client core's `broadcast()` service, which keeps the device keys to itself.
 */
import { assertKeyManagerUrl } from '../../common/broadcast/keyManagerUrl';
import { ChannelRoleKindSchema, type ChannelRoleKind } from '../../common/domain';
import { type BroadcastChannelView, type Client, cutOffReader } from '../../client';
import type { CliArgs } from '../args';
import { UsageError } from '../errors';
import type { Output } from '../output';
import { channelOf, userIdOf } from '../resolve';
import { follow, read } from './broadcastRead';

function roles(c: BroadcastChannelView): string {
  const held = [c.owner ? 'owner' : '', c.publisher ? 'publisher' : '', c.subscriber ? 'subscriber' : ''].filter((r) => r !== '');
  return held.length > 0 ? held.join(',') : 'no role';
}

async function create(client: Client, args: CliArgs, out: Output): Promise<void> {
  const name = args.rest.slice(1).join(' ').trim();
  if (name === '') throw new UsageError('bcast create NAME [--key-manager URL]');
  const keyManagerUrl = args.flags.keyManager ?? `${args.server.replace(/\/+$/, '')}/km`;
  assertKeyManagerUrl(keyManagerUrl);
  const channelId = await (await client.broadcast()).create({ keyManagerUrl, name });
  out.result({ channelId, name, keyManagerUrl }, `created channel ${channelId} "${name}"; its keys are held by the key manager ${keyManagerUrl}`);
}

async function list(client: Client, _args: CliArgs, out: Output): Promise<void> {
  const channels = await (await client.broadcast()).channels();
  out.result(channels, channels.length > 0 ? channels.map((c) => `${c.channelId}  "${c.name}"  ${roles(c)}  key manager ${c.keyManagerUrl}`) : ['no channels']);
}

async function publish(client: Client, args: CliArgs, out: Output): Promise<void> {
  const service = await client.broadcast();
  const text = args.rest.slice(2).join(' ');
  const channel = await channelOf(service, args.rest[1]);
  if (text === '') throw new UsageError('bcast publish CHAN TEXT');
  await service.follow(channel.channelId, channel.keyManagerUrl);
  const timetoken = await service.publish(channel.channelId, text);
  out.result({ channelId: channel.channelId, timetoken }, `published (${timetoken})`);
}

function roleKind(word: string | undefined): ChannelRoleKind {
  const kind = ChannelRoleKindSchema.safeParse(word);
  if (kind.success) return kind.data;
  throw new UsageError('bcast grant CHAN USER subscriber|publisher');
}

async function grant(client: Client, args: CliArgs, out: Output): Promise<void> {
  const service = await client.broadcast();
  const kind = roleKind(args.rest[3]);
  const channel = await channelOf(service, args.rest[1]);
  const userId = await userIdOf(client, args.rest[2]);
  await service.setRole(channel.channelId, userId, kind, true);
  out.result({ channelId: channel.channelId, userId, role: kind }, `granted ${args.rest[2] ?? userId} ${kind} on "${channel.name}"`);
}

/** Revokes at the key manager (a new key version at once), then withdraws whatever roles the user held. */
async function revoke(client: Client, args: CliArgs, out: Output): Promise<void> {
  const service = await client.broadcast();
  const channel = await channelOf(service, args.rest[1]);
  const userId = await userIdOf(client, args.rest[2]);
  const keyVersion = await cutOffReader(service, channel.channelId, channel.keyManagerUrl, userId);
  out.result({ channelId: channel.channelId, userId, keyVersion }, `revoked ${args.rest[2] ?? userId}; the channel key is now v${keyVersion}`);
}

type Sub = (client: Client, args: CliArgs, out: Output) => Promise<void>;
const SUBCOMMANDS: Record<string, Sub> = { create, list, follow, read, publish, grant, revoke };

export async function bcast(client: Client, args: CliArgs, out: Output): Promise<void> {
  const sub = SUBCOMMANDS[args.rest[0] ?? ''];
  if (!sub) throw new UsageError('bcast create|list|follow|read|publish|grant|revoke ...; try `help`');
  await sub(client, args, out);
}
