/**
 * `bcast read` and `bcast follow` (docs/broadcast.md §8.1 lazy decryption, docs/client.md "Broadcast"):
 * follow the channel, open (verify and decrypt) what is shown, and print each message once. A message
 * this device may not read is printed as not readable with its typed code (e.g. `subscriber_revoked`).
 * Following names the channel's key manager: it holds the channel keys and so can read the channel.
 */
import type { BroadcastMessageView, Client } from '../../client';
import type { CliArgs } from '../args';
import { UsageError } from '../errors';
import { formatTime, type Output } from '../output';
import { channelOf } from '../resolve';

export function messageLine(v: BroadcastMessageView): string {
  const version = v.keyVersion === null ? '' : ` (key v${v.keyVersion})`;
  switch (v.state) {
    case 'opened':
      return `[${formatTime(v.sentAt ?? 0)}] ${v.text ?? ''}`;
    case 'failed':
      return `[not readable: ${v.errorCode ?? 'failed'}]${version}`;
    case 'sealed':
      return `[not opened]${version}`;
    default:
      throw new Error(`unhandled message state ${JSON.stringify(v.state satisfies never)}`);
  }
}

export async function read(client: Client, args: CliArgs, out: Output): Promise<void> {
  const count = Number(args.flags.count ?? '20');
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw new UsageError('--count is 1 to 1000');
  const service = await client.broadcast();
  const channel = await channelOf(service, args.rest[1]);
  await service.follow(channel.channelId, channel.keyManagerUrl);
  const shown = (await service.open(channel.channelId, count)).slice(-count);
  out.result(shown, shown.length > 0 ? shown.map(messageLine) : ['no messages']);
}

export async function follow(client: Client, args: CliArgs, out: Output): Promise<void> {
  const channel = await channelOf(await client.broadcast(), args.rest[1]);
  const printed = new Set<string>();
  let queue = Promise.resolve();
  const service = await client.broadcast((channelId) => {
    if (channelId !== channel.channelId) return;
    queue = queue
      .then(async () => {
        for (const v of await service.open(channelId, 1000)) {
          if (v.state === 'sealed' || printed.has(v.timetoken)) continue;
          printed.add(v.timetoken);
          out.result(v, messageLine(v));
        }
      })
      .catch((err: unknown) => out.note(`cannot open messages: ${err instanceof Error ? err.message : String(err)}`));
  });
  out.note(
    `following "${channel.name}" (${channel.channelId}); its keys are held by the key manager ${channel.keyManagerUrl}, which can read this channel; Ctrl-C to stop`,
  );
  await service.follow(channel.channelId, channel.keyManagerUrl);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await queue;
}
