/**
 * Message commands (docs/client.md, "CLI"): send, read (the latest messages, decrypted; items whose key
 * version has not arrived are shown as such) and follow (live, until interrupted).
 */
import { attachmentView } from '../../common/attachments/attachmentView';
import type { ConversationId } from '../../common/ids';
import type { DeliveryFailureCode } from '../../common/messaging/errors';
import type { TimelineItem } from '../../common/messaging/timelineItem';
import type { Client } from '../../client';
import { AppError } from '../../common/errors';
import type { CliArgs } from '../args';
import { UsageError } from '../errors';
import { formatTime, type Output } from '../output';
import { conversationIdOf } from '../resolve';

/** A send the pipeline could not deliver; `code` is its delivery-failure code (docs/messaging.md). */
class SendFailedError extends AppError {
  constructor(code: DeliveryFailureCode, message: string) {
    super(code, message, code === 'too_large' ? 'validation' : 'transport');
  }
}

const names = new Map<string, Promise<string>>();
function nameOf(client: Client, userId: string): Promise<string> {
  let hit = names.get(userId);
  if (!hit) {
    hit = client.findUser(userId).then(
      (u) => u.username,
      () => userId,
    );
    names.set(userId, hit);
  }
  return hit;
}

async function line(client: Client, item: TimelineItem): Promise<{ data: unknown; text: string } | undefined> {
  switch (item.kind) {
    case 'message': {
      const who = await nameOf(client, item.senderUser);
      const file = item.attachment;
      const body =
        file !== undefined
          ? `[file ${file.descriptor.fileName}, ${file.descriptor.size} bytes, ${file.descriptor.mediaType}]${file.caption === undefined ? '' : ` ${file.caption}`}`
          : item.message.type === 'string'
            ? item.message.body
            : item.message.type === 'json'
              ? JSON.stringify(item.message.body)
              : `<${item.message.body.length} bytes>`;
      const data = {
        kind: 'message',
        timetoken: item.timetoken,
        id: item.id,
        from: who,
        fromUser: item.senderUser,
        sentAt: item.message.sentAt,
        type: item.message.type,
        body,
        keyVersion: item.keyVersion,
        ...(file === undefined ? {} : { file: attachmentView(file) }),
      };
      return { data, text: `[${formatTime(item.message.sentAt)}] ${who}: ${body}` };
    }
    case 'pending':
      return {
        data: { kind: 'pending', timetoken: item.timetoken, keyVersion: item.keyVersion },
        text: `[cannot decrypt yet: key v${item.keyVersion} has not arrived]`,
      };
    case 'rejected':
      return { data: { kind: 'rejected', timetoken: item.timetoken, code: item.code }, text: `[rejected message: ${item.code}]` };
    case 'system':
      return {
        data: { kind: 'system', event: item.event, fromVersion: item.fromVersion, toVersion: item.toVersion },
        text: `-- key rotated v${item.fromVersion} -> v${item.toVersion} --`,
      };
    default:
      throw new Error(`unhandled timeline item ${JSON.stringify(item satisfies never)}`);
  }
}

export async function send(client: Client, args: CliArgs, out: Output): Promise<void> {
  const conversationId = await conversationIdOf(client, args.rest[0]);
  const text = args.rest.slice(1).join(' ');
  if (text === '') throw new UsageError('send CONV TEXT');
  await client.ensureAccess([conversationId]);
  const result = await (await client.messaging()).send(conversationId, { type: 'string', body: text });
  if (result.state !== 'sent') throw new SendFailedError(result.code, result.message);
  out.result({ conversationId, ...result }, `sent (${result.timetoken})`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function read(client: Client, args: CliArgs, out: Output): Promise<void> {
  const conversationId = await conversationIdOf(client, args.rest[0]);
  const limit = Number(args.flags.limit ?? '20');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit is 1 to 1000');
  await client.ensureAccess([conversationId]);
  const messaging = await client.messaging();
  const content = () => messaging.view(conversationId).items.filter((i) => i.kind !== 'system');
  while (content().length < limit && !messaging.view(conversationId).reachedStart) await messaging.loadOlder(conversationId);
  for (let waited = 0; waited < 3000 && content().some((i) => i.kind === 'pending'); waited += 100) await sleep(100);
  const items = messaging.view(conversationId).items;
  const shown = items.slice(Math.max(0, items.length - limit));
  const lines: { data: unknown; text: string }[] = [];
  for (const item of shown) {
    const l = await line(client, item);
    if (l) lines.push(l);
  }
  out.result(
    lines.map((l) => l.data),
    lines.length > 0 ? lines.map((l) => l.text) : ['no messages'],
  );
}

/** How long an item may stay "cannot decrypt yet" before `follow` prints it as such. */
const PENDING_GRACE_MS = 3_000;

export async function follow(client: Client, args: CliArgs, out: Output): Promise<void> {
  const all = args.rest.length === 0;
  const ids: ConversationId[] = [];
  if (all) ids.push(...(await client.conversations()).map((c) => c.conversationId));
  else for (const ref of args.rest) ids.push(await conversationIdOf(client, ref));
  const messaging = await client.messaging();
  const printed = new Set<string>();
  const printNew = async (conversationId: ConversationId) => {
    for (const item of messaging.view(conversationId).items) {
      if (item.kind === 'message' && item.timetoken === undefined) continue;
      const key = `${conversationId}:${item.key}`;
      if (printed.has(`${key}:${item.kind}`)) continue;
      if (item.kind === 'pending' && !printed.has(`${key}:seen`)) {
        printed.add(`${key}:seen`);
        setTimeout(() => void printNew(conversationId), PENDING_GRACE_MS).unref();
        continue;
      }
      printed.add(`${key}:${item.kind}`);
      const l = await line(client, item);
      if (l) out.result({ conversationId, ...(l.data as object) }, ids.length > 1 || all ? `${conversationId} ${l.text}` : l.text);
    }
  };
  const join = async (more: readonly ConversationId[]) => {
    await client.ensureAccess(more);
    await messaging.join(more);
    for (const id of more) await printNew(id);
  };
  messaging.onChange((id) => void printNew(id));
  if (all) {
    client.onNotice((notice) => {
      if (notice.type === 'member_added' && notice.userId === client.session().userId && !messaging.joined().includes(notice.conversationId)) {
        ids.push(notice.conversationId);
        void join([notice.conversationId]).catch((err: unknown) =>
          out.note(`cannot follow ${notice.conversationId}: ${err instanceof Error ? err.message : String(err)}`),
        );
      }
    });
  }
  if (ids.length > 0) await join(ids);
  out.note(
    all ? `following ${ids.length} conversation(s) and any you are added to; Ctrl-C to stop` : `following ${ids.length} conversation(s); Ctrl-C to stop`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
