/**
 * One file in and out of a store, over streams (docs/protocol.md §20.8): `writeAttachment` encrypts under
 * a fresh key, splits the ciphertext into parts, hands each to the store and builds the descriptor;
 * `readAttachment` fetches the parts a descriptor names, verifies and decrypts them. The stores themselves
 * (PubNub Files, an S3-compatible bucket) are the callers' `store` / `fetch` functions.
 */
import type { CryptoProvider } from '../../common/crypto/provider';
import { attachmentExpectation, parseAttachmentDescriptor, type AttachmentDescriptor } from '../../common/attachments/descriptor';
import { neutraliseFileName } from '../../common/attachments/fileName';
import { normaliseMediaType } from '../../common/attachments/mediaType';
import { PUBNUB_PART_SIZE } from '../../common/attachments/parts';
import { toBase64Url } from '../../common/encoding/base64url';
import { decryptAttachment } from './decryptAttachment';
import { encryptAttachment, type EncryptOptions } from './encryptAttachment';
import { joinParts, PARTS_IN_FLIGHT, splitIntoParts } from './parts';

export interface WriteAttachmentInput {
  readonly source: AsyncIterable<Uint8Array>;
  /** The local name; neutralised for the wire (§20.5). */
  readonly fileName: string;
  /** Normalised; anything not well formed becomes application/octet-stream. */
  readonly mediaType: string;
  /** Stores one part (read it to the end) and answers its reference. */
  readonly store: (part: AsyncIterable<Uint8Array>, index: number) => Promise<string>;
  /** Defaults to PUBNUB_PART_SIZE. */
  readonly partSize?: number;
  /** Parts stored at once (parts.ts); defaults to PARTS_IN_FLIGHT. */
  readonly partsInFlight?: number;
  readonly encrypt?: EncryptOptions;
}

/** Encrypts, splits and stores one file; answers its descriptor (without a thumbnail). */
export async function writeAttachment(provider: CryptoProvider, input: WriteAttachmentInput): Promise<AttachmentDescriptor> {
  const encryption = encryptAttachment(provider, input.source, input.encrypt);
  const parts = await splitIntoParts(encryption, input.partSize ?? PUBNUB_PART_SIZE, input.store, input.partsInFlight ?? PARTS_IN_FLIGHT);
  const file = encryption.result();
  return parseAttachmentDescriptor({
    v: 1,
    key: toBase64Url(file.fileKey),
    size: file.size,
    chunkSize: file.chunkSize,
    sha256: toBase64Url(file.sha256),
    mediaType: normaliseMediaType(input.mediaType),
    fileName: neutraliseFileName(input.fileName),
    parts: parts.map((p) => ({ ref: p.ref, size: p.size, sha256: toBase64Url(p.sha256) })),
  });
}

/** The plaintext of the file a descriptor names, verified as it streams (§20.4, §20.7). */
export function readAttachment(
  provider: CryptoProvider,
  descriptor: AttachmentDescriptor,
  fetch: (ref: string, index: number) => AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const expected = attachmentExpectation(descriptor);
  const ciphertext = joinParts(expected.parts, (index) => fetch(descriptor.parts[index]?.ref ?? '', index));
  return decryptAttachment(provider, ciphertext, expected);
}
