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
/** Text that both JSON and the escaping keep as is (JSON escapes none of these; `.` is kept by both). */
const KEPT_TEXT = /^[A-Za-z0-9_.-]*$/;
/** What JSON.stringify makes of `"` `{` `}` `:` `,`, each escaped to %XX. */
const ESCAPED_PUNCTUATION = 3;

/**
 * The escaped size of a flat object whose keys and string values are kept text and whose numbers are
 * non-negative safe integers — an envelope as `assembleEnvelope` makes it — counted field by field
 * without serializing; `undefined` for any other object (then it is counted the general way).
 */
function flatKeptSize(message: Readonly<Record<string, unknown>>): number | undefined {
  let size = 2 * ESCAPED_PUNCTUATION;
  let fields = 0;
  for (const key in message) {
    const value = message[key];
    if (value === undefined) continue;
    if (!KEPT_TEXT.test(key)) return undefined;
    size += key.length + 3 * ESCAPED_PUNCTUATION;
    if (typeof value === 'string') {
      if (!KEPT_TEXT.test(value)) return undefined;
      size += value.length + 2 * ESCAPED_PUNCTUATION;
    } else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) size += String(value).length;
    else return undefined;
    fields++;
  }
  return size + Math.max(0, fields - 1) * ESCAPED_PUNCTUATION;
}

/**
 * `publishSize` of an envelope-like object whose `ciphertext` is usually base64url text, which JSON and the
 * escaping both keep as is, so its share of the size is its length. An envelope of kept text and integers
 * only (no push metadata) is counted field by field (`flatKeptSize`); any other is serialized with the
 * ciphertext emptied, or, when the ciphertext is not base64url, the general way. The same size each way
 * (test/crypto/publish_size_counted_without_escaping.test.ts).
 */
export function envelopePublishSize(envelope: { readonly ciphertext: string }, channel: string): number {
  const flat = flatKeptSize(envelope as unknown as Readonly<Record<string, unknown>>);
  if (flat !== undefined) return flat + pubnubEscapedLength(channel);
  if (BASE64URL_TEXT.test(envelope.ciphertext)) return publishSize({ ...envelope, ciphertext: '' }, channel) + envelope.ciphertext.length;
  return publishSize(envelope, channel);
}

/** `assertPublishable` for an envelope-like object (`envelopePublishSize`). */
export function assertEnvelopePublishable(envelope: { readonly ciphertext: string }, channel: string): void {
  const size = envelopePublishSize(envelope, channel);
  if (size > MAX_PUBLISH_BYTES) throw new TooLargeError(size, MAX_PUBLISH_BYTES);
}
