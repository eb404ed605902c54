/**
 * The PubNub Files part of a user's token (docs/protocol.md §20.10; docs/api.md "PubNub"): each member puts
 * the parts of the files they send on their own files channel of the conversation,
 * `files.<conversationId>.<their tag>`, so that they — and nobody else — may delete them when the message
 * goes. The grant is two kinds of Access Manager pattern (regular expressions, which PubNub and the relay
 * both match against the whole channel name):
 * - `read` on `files\.(<conversationId>|…)\.<any tag>` for the conversations the user is in (several ids to a
 *   pattern, pubnubChannels.ts `conversationFilesPatterns`): they download the parts every member sent there;
 *   a removed member's next token no longer has it (their old one is revoked);
 * - `read`, `write` and `delete` on `files\.<any conversation>\.<own tag>`: their own channels only. One
 *   pattern for every conversation keeps the token small and lets a device still delete its own parts
 *   after it left a conversation; writing to a conversation they are not in reaches nobody (no member's
 *   sealed message names those parts) and counts against the relay's quotas like any upload.
 * Nobody gets `delete` on `conv.<id>` (on PubNub it would also erase the conversation's stored messages).
 */
import { createHash } from 'node:crypto';
import { CONVERSATION_PREFIX, conversationFilesPatterns, filesChannelTag, ownFilesPattern } from '../../common/pubnubChannels';

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** The uploader tag of a user (pubnubChannels.ts `filesChannelTag`). */
export function filesTagOf(userId: string): string {
  return filesChannelTag(userId, sha256);
}

/** The files patterns for a user whose conversation channels are `conversationChannels` (`conv.<id>`). */
export function filesGrant(userId: string, conversationChannels: readonly string[]): { readPatterns: string[]; ownPatterns: string[] } {
  const conversations = conversationChannels.filter((c) => c.startsWith(CONVERSATION_PREFIX)).map((c) => c.slice(CONVERSATION_PREFIX.length));
  return { readPatterns: conversationFilesPatterns(conversations), ownPatterns: [ownFilesPattern(filesTagOf(userId))] };
}
