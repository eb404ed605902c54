/**
 * PubNub channel names (docs/api.md, "PubNub"; docs/architecture.md, "Words"). This is the one place
 * PubNub channel names are spelled: `conv.<conversationId>` carries a
 * conversation's encrypted messages, `bcast.<channelId>` a broadcast channel's, and `inbox.<userId>`
 * the server's control notices to one user. Every id is `[A-Za-z0-9_-]{8,64}`, so names need no escaping.
 */

export const CONVERSATION_PREFIX = 'conv.';
export const BROADCAST_PREFIX = 'bcast.';
export const INBOX_PREFIX = 'inbox.';

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
