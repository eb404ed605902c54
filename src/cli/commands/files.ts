/**
 * File commands (docs/client.md "CLI", "Files"): `send-file` encrypts a file as it streams, stores its
 * ciphertext parts in the store (`--files-dir`) and sends its descriptor as an `attachment` message
 * (docs/protocol.md §7.9); `fetch-file` finds the message, fetches, verifies and decrypts the file to a path,
 * which is written only once everything verified. A reference for mobile clients. The CLI has no managed
 * policy: the defaults apply (100 MB, no blocked type).
 */
import { stat } from 'node:fs/promises';
import type { Client } from '../../client';
import { attachmentSendLimits } from '../../common/attachments/sendPolicy';
import { AppError } from '../../common/errors';
import type { ConversationId, MessageId } from '../../common/ids';
import { POLICY_DEFAULTS } from '../../common/policy/values';
import type { CliArgs } from '../args';
import { UsageError } from '../errors';
import type { Output } from '../output';
import { conversationIdOf } from '../resolve';

/** How long `fetch-file` waits for messages whose key version has not arrived yet. */
const PENDING_WAIT_MS = 5_000;

export async function sendFile(client: Client, args: CliArgs, out: Output): Promise<void> {
  const [conversation, path] = args.rest;
  if (conversation === undefined || path === undefined || args.rest.length > 2) throw new UsageError('send-file CONV PATH [--caption TEXT]');
  const conversationId = await conversationIdOf(client, conversation);
  await client.ensureAccess([conversationId]);
  const result = await client
    .attachments()
    .send(
      conversationId,
      { path },
      { limits: attachmentSendLimits(POLICY_DEFAULTS), ...(args.flags.caption === undefined ? {} : { caption: args.flags.caption }) },
    );
  if (result.state !== 'sent') throw new AppError(result.code, result.message, 'transport');
  const d = result.descriptor;
  out.result(
    { conversationId, id: result.id, timetoken: result.timetoken, fileName: d.fileName, size: d.size, mediaType: d.mediaType, parts: d.parts.length },
    `sent ${d.fileName} (${d.size} bytes, ${d.parts.length} part${d.parts.length === 1 ? '' : 's'}) as ${result.id} (${result.timetoken})`,
  );
}

export async function fetchFile(client: Client, args: CliArgs, out: Output): Promise<void> {
  const [conversation, messageId, outPath] = args.rest;
  if (conversation === undefined || messageId === undefined || outPath === undefined || args.rest.length > 3)
    throw new UsageError('fetch-file CONV MESSAGE_ID OUT_PATH');
  if (
    await stat(outPath).then(
      () => true,
      () => false,
    )
  )
    throw new UsageError(`${outPath} exists; choose a path that does not`);
  const conversationId: ConversationId = await conversationIdOf(client, conversation);
  await client.ensureAccess([conversationId]);
  const messaging = await client.messaging();
  const has = () => messaging.view(conversationId).items.some((i) => i.kind === 'message' && i.id === messageId);
  while (!has() && !messaging.view(conversationId).reachedStart) await messaging.loadOlder(conversationId);
  // Messages whose key version is still on its way open within moments (as `read` waits for them).
  const pending = () => messaging.view(conversationId).items.some((i) => i.kind === 'pending');
  for (let waited = 0; waited < PENDING_WAIT_MS && !has() && pending(); waited += 100) await new Promise((r) => setTimeout(r, 100));
  const fetched = await client.attachments().fetch(conversationId, messageId as MessageId, outPath);
  out.result(
    { conversationId, id: messageId, path: outPath, fileName: fetched.descriptor.fileName, size: fetched.size },
    `saved ${fetched.descriptor.fileName} (${fetched.size} bytes) to ${outPath}`,
  );
}
