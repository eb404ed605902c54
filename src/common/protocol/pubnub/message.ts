/**
 * PubNub message-level interop (docs/protocol.md §8.2): what a stock SDK with a crypto module publishes
 * and expects. Publish: encrypt UTF-8(JSON.stringify(message)), send the standard base64 (padded) of the
 * result as a JSON string. Receive: the reverse, then JSON.parse.
 */
import type { CryptoProvider } from '../../crypto/provider';
import { fromBase64, toBase64 } from '../../encoding/base64';
import { EncodingError } from '../../encoding/encodingError';
import { utf8Decode, utf8Encode } from '../../encoding/utf8';
import { MalformedError } from '../errors';
import { parseJsonText } from '../wire';
import { acrhDecrypt, acrhEncrypt } from './acrh';
import { hasSentinel } from './cryptorHeader';
import { legacyDecrypt, type LegacyIvMode } from './legacy';

/** Encrypts a JSON-serializable message to the string a stock SDK publishes. */
export async function encodePubNubMessage(provider: CryptoProvider, cipherKey: string, message: unknown, iv?: Uint8Array): Promise<string> {
  const json = JSON.stringify(message);
  if (json === undefined) throw new MalformedError('PubNub message: not JSON-serializable');
  return toBase64(await acrhEncrypt(provider, cipherKey, utf8Encode(json), iv));
}

/** Options of `decodePubNubMessage`. */
export interface DecodePubNubOptions {
  /** Also accept headerless legacy payloads in this IV mode (history written by old clients). */
  readonly legacy?: LegacyIvMode;
}

/**
 * Decrypts the string a stock SDK published and parses the JSON inside. One leading U+FEFF (a UTF-8 byte
 * order mark) is skipped before parsing, as the SDKs' default TextDecoder does, so we read what they read.
 */
export async function decodePubNubMessage(provider: CryptoProvider, cipherKey: string, payload: unknown, options: DecodePubNubOptions = {}): Promise<unknown> {
  const text = bytesToText(await decryptPubNubPayload(provider, cipherKey, payload, options));
  return parseJsonText(text.startsWith('\uFEFF') ? text.slice(1) : text, 'PubNub message');
}

/** Decrypts the bytes of a published string (ACRH, or legacy when allowed). */
export async function decryptPubNubPayload(
  provider: CryptoProvider,
  cipherKey: string,
  payload: unknown,
  options: DecodePubNubOptions = {},
): Promise<Uint8Array> {
  if (typeof payload !== 'string') throw new MalformedError('PubNub message: encrypted payload must be a string');
  let data: Uint8Array;
  try {
    data = fromBase64(payload);
  } catch (err) {
    if (err instanceof EncodingError) throw new MalformedError(`PubNub message: ${err.message}`);
    throw err;
  }
  if (hasSentinel(data)) return acrhDecrypt(provider, cipherKey, data);
  if (options.legacy === undefined) throw new MalformedError('PubNub message: no PNED header (legacy payloads not accepted)');
  return legacyDecrypt(provider, cipherKey, data, options.legacy);
}

function bytesToText(bytes: Uint8Array): string {
  try {
    return utf8Decode(bytes);
  } catch (err) {
    if (err instanceof EncodingError) throw new MalformedError(`PubNub message: ${err.message}`);
    throw err;
  }
}
