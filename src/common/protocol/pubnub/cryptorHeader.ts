/**
 * PubNub CryptoModule header v1 (docs/protocol.md §8.1; docs/pubnub-wire.md §4):
 *   "PNED" ‖ version 0x01 ‖ cryptor id (4 ASCII bytes) ‖ metadata length ‖ metadata
 * The length is one byte when < 255, else 0xFF followed by a big-endian uint16. We always emit the
 * one-byte form (the JS SDK cannot parse the other).
 */
import { concatBytes } from '../../encoding/bytes';
import { MalformedError, UnsupportedVersionError } from '../errors';

export const SENTINEL = Uint8Array.of(0x50, 0x4e, 0x45, 0x44); // "PNED"
export const HEADER_VERSION = 1;

/** A parsed header. */
export interface CryptorHeader {
  readonly cryptorId: string;
  readonly metadata: Uint8Array;
  /** Offset of the payload after the header. */
  readonly payloadOffset: number;
}

/** True when data starts with the "PNED" sentinel. */
export function hasSentinel(data: Uint8Array): boolean {
  return data.length >= 4 && SENTINEL.every((b, i) => data[i] === b);
}

/** Encodes a header for a 4-character cryptor id and its metadata. */
export function encodeCryptorHeader(cryptorId: string, metadata: Uint8Array): Uint8Array {
  if (!/^[\x20-\x7e]{4}$/.test(cryptorId)) throw new MalformedError('cryptor id must be 4 ASCII characters');
  const id = Uint8Array.from(cryptorId, (c) => c.charCodeAt(0));
  if (metadata.length > 0xffff) throw new MalformedError('cryptor metadata too long');
  const length = metadata.length < 255 ? Uint8Array.of(metadata.length) : Uint8Array.of(0xff, metadata.length >> 8, metadata.length & 255);
  return concatBytes(SENTINEL, Uint8Array.of(HEADER_VERSION), id, length, metadata);
}

/** Parses a header (the caller checked the sentinel). */
export function parseCryptorHeader(data: Uint8Array): CryptorHeader {
  if (!hasSentinel(data)) throw new MalformedError('PubNub payload: no PNED sentinel');
  if (data.length < 10) throw new MalformedError('PubNub payload: header truncated');
  const version = data[4] ?? 0;
  if (version === 0 || version > HEADER_VERSION) throw new UnsupportedVersionError(`PubNub payload: header version ${version}`);
  const cryptorId = String.fromCharCode(...data.subarray(5, 9));
  let length = data[9] ?? 0;
  let offset = 10;
  if (length === 0xff) {
    if (data.length < 12) throw new MalformedError('PubNub payload: header truncated');
    length = ((data[10] ?? 0) << 8) | (data[11] ?? 0);
    offset = 12;
  }
  if (offset + length > data.length) throw new MalformedError('PubNub payload: metadata truncated');
  return { cryptorId, metadata: data.subarray(offset, offset + length), payloadOffset: offset + length };
}
