/**
 * PubNub channel names (docs/api.md, "PubNub"; docs/architecture.md, "Words"). This is the one place
 * PubNub channel names are spelled: `conv.<conversationId>` carries a
 * conversation's encrypted messages, `bcast.<channelId>` a broadcast channel's, and `inbox.<userId>`
 * the server's control notices to one user, and `files.<conversationId>.<uploader tag>` one member's PubNub
 * Files parts in a conversation. Every id is `[A-Za-z0-9_-]{8,64}`, so names need no escaping. PubNub caps a
 * channel name at 92 characters: the longest name here is a files channel, 6 + 64 + 1 + 20 = 91.
 */
import { toBase64Url } from './encoding/base64url';

export const CONVERSATION_PREFIX = 'conv.';
export const BROADCAST_PREFIX = 'bcast.';
export const INBOX_PREFIX = 'inbox.';
export const FILES_PREFIX = 'files.';

export function conversationPubnubChannel(conversationId: string): string {
  return `${CONVERSATION_PREFIX}${conversationId}`;
}

/**
 * The presence twin of a conversation channel, `conv.<conversationId>-pnpres` (PubNub's naming): where the
 * relay announces who joined, left or timed out and state changes (docs/messaging.md "Presence"). Tokens
 * grant `read` on it for direct conversations only.
 */
export function conversationPresencePubnubChannel(conversationId: string): string {
  return `${conversationPubnubChannel(conversationId)}-pnpres`;
}

export function broadcastPubnubChannel(channelId: string): string {
  return `${BROADCAST_PREFIX}${channelId}`;
}

export function inboxPubnubChannel(userId: string): string {
  return `${INBOX_PREFIX}${userId}`;
}

/** The length of an uploader tag: 15 bytes of SHA-256, base64url (120 bits; no padding). */
export const FILES_TAG_LENGTH = 20;
const FILES_TAG = /^[A-Za-z0-9_-]{20}$/;
const FILES_TAG_LABEL = 'seed files channel v1\u0000';

/** True when `text` is an uploader tag (`filesChannelTag`'s shape). */
export function isFilesChannelTag(text: string): boolean {
  return FILES_TAG.test(text);
}

/**
 * A user's uploader tag: the first 15 bytes of SHA-256(`"seed files channel v1" 0x00 userId`), base64url —
 * short enough that every files channel fits PubNub's 92 characters whatever the ids' lengths
 * (docs/protocol.md §20.10). `sha256` is the caller's (the key service's and the client's Node crypto).
 */
export function filesChannelTag(userId: string, sha256: (data: Uint8Array) => Uint8Array): string {
  return toBase64Url(sha256(new TextEncoder().encode(`${FILES_TAG_LABEL}${userId}`)).subarray(0, 15));
}

/**
 * `files.<conversationId>.<tag>`: where the member whose uploader tag is `tag` puts the PubNub Files parts of
 * the files they send to the conversation (docs/protocol.md §20.10). Tokens grant that member `read`, `write`
 * and `delete` on it and the conversation's other members `read`.
 */
export function filesPubnubChannel(conversationId: string, tag: string): string {
  return `${FILES_PREFIX}${conversationId}.${tag}`;
}

/** The longest Access Manager pattern the key service writes (the relay's bound on a grant's resource names). */
export const MAX_GRANT_PATTERN_LENGTH = 256;

/**
 * The Access Manager patterns (regular expressions) of every member's files channel of these conversations,
 * granted `read`: `files\\.(<id>|<id>|…)\\.[A-Za-z0-9_-]{20}`, as many ids to a pattern as fit in
 * MAX_GRANT_PATTERN_LENGTH characters — one pattern per conversation would make a token of many conversations
 * more than twice as long. Ids hold no `.` or regular-expression syntax, so `files.<id>.` names exactly one
 * conversation.
 */
export function conversationFilesPatterns(conversationIds: readonly string[]): string[] {
  const head = 'files\\.(';
  const tail = `)\\.[A-Za-z0-9_-]{${FILES_TAG_LENGTH}}`;
  const patterns: string[] = [];
  let group: string[] = [];
  const flush = () => {
    if (group.length > 0) patterns.push(`${head}${group.join('|')}${tail}`);
    group = [];
  };
  for (const id of conversationIds) {
    if (head.length + [...group, id].join('|').length + tail.length > MAX_GRANT_PATTERN_LENGTH) flush();
    group.push(id);
  }
  flush();
  return patterns;
}

/** The pattern of one uploader's files channels in any conversation: granted `read`, `write` and `delete` to them only. */
export function ownFilesPattern(tag: string): string {
  return `files\\.[A-Za-z0-9_-]{8,64}\\.${tag}`;
}
