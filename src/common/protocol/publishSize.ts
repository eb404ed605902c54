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

/** Characters `pubnubEscape` leaves as they are: A-Z a-z 0-9 - _ . (RFC 3986 unreserved, less `~`). */
const KEPT = (() => {
  const kept = new Uint8Array(128);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.') kept[c.charCodeAt(0)] = 1;
  return kept;
})();

const ASCII_ONLY = /^[\x00-\x7f]*$/;
const ESCAPED_ASCII = /[^A-Za-z0-9\-_.]/g;

/**
 * `pubnubEscape(text).length`, counted without building the escaped text: a kept character is 1, any
 * other ASCII character 3 (%XX), and a non-ASCII one 3 per UTF-8 byte. An envelope is mostly base64url,
 * which escapes to itself, so counting (by regular expression for ASCII text, the common case) is several
 * times cheaper than escaping. A lone surrogate is a MalformedError, as for `pubnubEscape`.
 */
export function pubnubEscapedLength(text: string): number {
  if (ASCII_ONLY.test(text)) return text.length + 2 * (text.match(ESCAPED_ASCII)?.length ?? 0);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += KEPT[c] === 1 ? 1 : 3;
    else if (c < 0x800) n += 6;
    else if (c < 0xd800 || c > 0xdfff) n += 9;
    else {
      const next = text.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) throw new MalformedError('text has a lone surrogate');
      n += 12;
      i++;
    }
  }
  return n;
}

/** Escaped size of a message as PubNub counts it. */
export function publishSize(message: unknown, channel: string): number {
  return pubnubEscapedLength(JSON.stringify(message)) + pubnubEscapedLength(channel);
}

/** Throws TooLargeError when `message` would exceed our publish limit on `channel`. */
export function assertPublishable(message: unknown, channel: string): void {
  const size = publishSize(message, channel);
  if (size > MAX_PUBLISH_BYTES) throw new TooLargeError(size, MAX_PUBLISH_BYTES);
}

const BASE64URL_TEXT = /^[A-Za-z0-9_-]*$/;

/**
 * `assertPublishable` for an envelope-like object whose `ciphertext` is base64url text: such text is kept
 * as is by both JSON and the escaping, so its share of the size is its length, and only the rest of the
 * object (with the ciphertext emptied) is serialized and counted — the same size, without serializing the
 * largest field. Any other `ciphertext` is counted the general way.
 */
export function assertEnvelopePublishable(envelope: { readonly ciphertext: string }, channel: string): void {
  if (!BASE64URL_TEXT.test(envelope.ciphertext)) {
    assertPublishable(envelope, channel);
    return;
  }
  const size = publishSize({ ...envelope, ciphertext: '' }, channel) + envelope.ciphertext.length;
  if (size > MAX_PUBLISH_BYTES) throw new TooLargeError(size, MAX_PUBLISH_BYTES);
}
