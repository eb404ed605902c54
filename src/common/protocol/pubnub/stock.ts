/**
 * Stock-SDK compatibility mode (docs/protocol.md §8.4; docs/messaging.md "Stock PubNub SDK clients"): a
 * conversation whose organisation turned the `stockSdkCompat` policy on also accepts a message that a
 * stock `pubnub` SDK published with `CryptoModule.aesCbcCryptoModule({cipherKey})`, the cipherKey being
 * the conversation key as `cipherKeyFor` writes it (§8.1). Such a message is NOT signed: it gets the fixed
 * sender ids below, which no account or device can have (every real id is `newId`'s 22 characters), so it
 * can never be shown, edited or deleted as anyone's — `isUnsignedSender` is the marker, live and stored.
 *
 * Body: the decrypted JSON is either a string, or an object whose `text` is a string (what we send:
 * `{ "text": … }`); anything else is refused with `stock_body_unsupported`.
 */
import { AppError } from '../../errors';
import type { DeviceId, MessageId, UserId } from '../../ids';

/** The sender user every stock (unsigned) message is shown with: "Unverified sender". */
export const UNSIGNED_SENDER_USER = 'stock-sdk-sender' as UserId;
/** The sender device every stock (unsigned) message is shown with. */
export const UNSIGNED_SENDER_DEVICE = 'stock-sdk-device' as DeviceId;

/** Whether an opened or stored message came from a stock SDK client (not signed; the sender is unknown). */
export function isUnsignedSender(sender: { readonly senderDevice: string } | { readonly senderUser: string }): boolean {
  return 'senderDevice' in sender ? sender.senderDevice === UNSIGNED_SENDER_DEVICE : sender.senderUser === UNSIGNED_SENDER_USER;
}

/** A stock message has no id of its own: `stock-<timetoken>` (the relay's timetoken of the publish). */
export function stockMessageId(timetoken: string): MessageId {
  if (!/^\d{1,20}$/.test(timetoken)) throw new StockMessageError('stock_body_unsupported', 'a stock message needs the timetoken it was received at');
  return `stock-${timetoken}` as MessageId;
}

/** The largest text we read from or write to a stock message, in characters. */
export const MAX_STOCK_TEXT = 20_000;

export type StockMessageErrorCode =
  /** The organisation's policy does not allow stock-SDK messages (the default). */
  | 'stock_sdk_disabled'
  /** Decrypted, but not a string nor `{ text: string }` (or too long). */
  | 'stock_body_unsupported'
  /** Decrypted only with a key version retired before the message was relayed (a removed member's old key). */
  | 'stock_key_retired';

/** A stock-SDK message refused (docs/protocol.md §8.4): nothing was stored or shown. */
export class StockMessageError extends AppError {
  declare readonly code: StockMessageErrorCode;
  constructor(code: StockMessageErrorCode, message: string) {
    super(code, message, 'validation');
    this.name = 'StockMessageError';
  }
}

/** The text of a decrypted stock message: a JSON string, or `{ text: string }`. */
export function stockText(decoded: unknown): string {
  const text =
    typeof decoded === 'string'
      ? decoded
      : typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded) && typeof (decoded as { text?: unknown }).text === 'string'
        ? (decoded as { text: string }).text
        : undefined;
  if (text === undefined) throw new StockMessageError('stock_body_unsupported', 'a stock message must be a string or an object with a text string');
  if (text.length === 0 || text.length > MAX_STOCK_TEXT)
    throw new StockMessageError('stock_body_unsupported', `a stock message text must be 1-${MAX_STOCK_TEXT} characters`);
  return text;
}

/** What the desktop publishes in stock format: `{ "text": … }` (JSON-encoded, then encrypted by §8.2). */
export function stockMessageOf(text: string): { readonly text: string } {
  return { text: stockText({ text }) };
}
