/**
 * The store each conversation's files go to (docs/client.md "Files", docs/architecture.md "Attachment stores").
 * A folder or an S3 bucket is one store for every conversation. PubNub Files is one store per conversation: a
 * member uploads the parts of the files they send to their own files channel of the conversation,
 * `files.<conversationId>.<their tag>` (docs/protocol.md §20.10), with the core's own Access Manager token,
 * which grants them `read`, `write` and `delete` there, the conversation's other members only `read`, and
 * nobody else anything — a non-member can neither download, list nor delete the parts, and another member
 * cannot delete them. So the sending device deletes its parts when their message goes for everyone (deleted by
 * its author, or expired), like with the other stores. Parts of files sent before (on the conversation's
 * channel `conv.<id>`, two-field references) still download and are left to the keyset's Files retention
 * (docs/threat-model.md "Attachments"). A forward into another conversation copies the parts (same ciphertext,
 * same hashes, new references) to the forwarder's files channel there so its members can read them; with a
 * shared store it re-uses the objects.
 */
import { createHash } from 'node:crypto';
import type PubNub from 'pubnub';
import { parseAttachmentDescriptor, type AttachmentDescriptor, type AttachmentPart } from '../../common/attachments/descriptor';
import { AttachmentError } from '../../common/attachments/errors';
import { toBase64Url } from '../../common/encoding/base64url';
import { AppError } from '../../common/errors';
import type { ConversationId } from '../../common/ids';
import { conversationPubnubChannel, filesChannelTag, filesPubnubChannel } from '../../common/pubnubChannels';
import { PubNubFilesStore } from '../../node/attachments/pubnubFilesStore';
import type { AttachmentStoreSetting } from '../../node/attachments/storeChoice';
import type { AttachmentStore } from '../../node/attachments/store';

export interface ConversationStores {
  /** The store holding this conversation's files; the setting's typed error when there is none. */
  of(conversationId: ConversationId): Promise<AttachmentStore>;
  /** One store for every conversation: a forward re-uses the objects. Otherwise a forward copies them. */
  readonly shared: boolean;
  /** Whether a device deletes the objects it stored when their message goes for everyone. */
  readonly deletesOwnObjects: boolean;
}

/** The core's PubNub client, a way to make sure its token covers a conversation, and whose token it is. */
export interface CorePubnub {
  readonly pubnub: () => Promise<PubNub>;
  readonly ensureAccess: (conversationId: ConversationId) => Promise<void>;
  /** The signed-in user: their uploader tag names their files channels. */
  readonly userId: () => string;
}

/** A user's uploader tag (pubnubChannels.ts `filesChannelTag`), with Node's SHA-256. */
export function uploaderTag(userId: string): string {
  return filesChannelTag(userId, (data) => new Uint8Array(createHash('sha256').update(data).digest()));
}

function unconfigured(): AppError {
  return new AppError('attachment_store_unconfigured', 'Files cannot be sent or opened: no file store is set up for this app.', 'unavailable');
}

/** The stores of a setting (a bare store is one shared store; undefined: none). */
export function conversationStores(setting: AttachmentStore | AttachmentStoreSetting | undefined, core: CorePubnub): ConversationStores {
  if (setting === undefined) return { shared: true, deletesOwnObjects: false, of: () => Promise.reject(unconfigured()) };
  if ('put' in setting) return { shared: true, deletesOwnObjects: true, of: async () => setting };
  switch (setting.kind) {
    case 'shared':
      return { shared: true, deletesOwnObjects: true, of: async () => setting.store };
    case 'misconfigured':
      return { shared: true, deletesOwnObjects: false, of: () => Promise.reject(setting.error) };
    case 'pubnub-files':
      return {
        shared: false,
        deletesOwnObjects: true,
        of: async (conversationId) => {
          await core.ensureAccess(conversationId);
          return new PubNubFilesStore({
            pubnub: await core.pubnub(),
            channel: conversationPubnubChannel(conversationId),
            uploads: { tag: uploaderTag(core.userId()), channelOf: (tag) => filesPubnubChannel(conversationId, tag) },
          });
        },
      };
  }
}

/** The parts passed through, each checked for its size and SHA-256 as the descriptor states (§20.7). */
async function* verified(source: AsyncIterable<Uint8Array>, part: AttachmentPart, index: number): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const piece of source) {
    size += piece.length;
    if (size > part.size) throw new AttachmentError('attachment_hash_mismatch', `part ${index} is longer than the descriptor says`, index);
    hash.update(piece);
    yield piece;
  }
  if (size !== part.size || toBase64Url(new Uint8Array(hash.digest())) !== part.sha256)
    throw new AttachmentError('attachment_hash_mismatch', `part ${index} does not match its hash`, index);
}

async function copyParts(from: AttachmentStore, to: AttachmentStore, parts: readonly AttachmentPart[], copied: string[]): Promise<AttachmentPart[]> {
  const out: AttachmentPart[] = [];
  for (const [index, part] of parts.entries()) {
    const ref = await to.put(verified(from.get(part.ref), part, index));
    copied.push(ref);
    out.push({ ...part, ref });
  }
  return out;
}

/**
 * The descriptor of a copy of the file (and its thumbnail) in another store: the same ciphertext, verified
 * part by part on the way, under new references. A failed copy deletes what it stored (best effort).
 */
export async function copyAttachment(from: AttachmentStore, to: AttachmentStore, descriptor: AttachmentDescriptor): Promise<AttachmentDescriptor> {
  const copied: string[] = [];
  try {
    const parts = await copyParts(from, to, descriptor.parts, copied);
    const t = descriptor.thumbnail;
    const thumbnail = t === undefined ? undefined : { ...t, parts: await copyParts(from, to, t.parts, copied) };
    return parseAttachmentDescriptor({ ...descriptor, parts, ...(thumbnail !== undefined ? { thumbnail } : {}) });
  } catch (err) {
    await Promise.all(copied.map((ref) => to.delete(ref).catch(() => undefined)));
    throw err;
  }
}
