/**
 * PubNub's publish size limit (docs/protocol.md §7.5). PubNub rejects a publish over 32 KiB, counting
 * the URL-escaped message and the channel name. We count the same — the SDK's `encodeString`
 * (encodeURIComponent plus `! ~ * ' ( )`) of JSON.stringify(message) plus the escaped channel — and keep
 * a margin for the rest of the publish path, so a too-large message fails here with a typed error,
 * before it reaches the network.
 */
import { MalformedError, TooLargeError } from './errors';

/** PubNub's documented limit. */
export const PUBNUB_PUBLISH_LIMIT = 32 * 1024;
/** Our limit: the PubNub limit less room for the path, keys and query of the publish request. */
export const MAX_PUBLISH_BYTES = PUBNUB_PUBLISH_LIMIT - 768;

/** PubNub's `encodeString`: encodeURIComponent plus `! ~ * ' ( )` as %XX. */
export function pubnubEscape(text: string): string {
  let escaped: string;
  try {
    escaped = encodeURIComponent(text);
  } catch {
    throw new MalformedError('text has a lone surrogate');
  }
  return escaped.replace(/[!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Escaped size of a message as PubNub counts it. */
export function publishSize(message: unknown, channel: string): number {
  return pubnubEscape(JSON.stringify(message)).length + pubnubEscape(channel).length;
}

/** Throws TooLargeError when `message` would exceed our publish limit on `channel`. */
export function assertPublishable(message: unknown, channel: string): void {
  const size = publishSize(message, channel);
  if (size > MAX_PUBLISH_BYTES) throw new TooLargeError(size, MAX_PUBLISH_BYTES);
}
