/**
 * The attachment descriptor (docs/protocol.md §20.5): what a receiver needs to fetch, verify and decrypt one
 * file — its key, sizes, the SHA-256 of its ciphertext and of each stored part, media type, file name and an
 * optional encrypted thumbnail (a file of its own, with its own key). It travels only inside a sealed
 * message (§7), never beside the objects in a store. A closed, versioned object (§2.5).
 */
import { z } from 'zod';
import { isWellFormedUnicode } from '../encoding/utf8';
import { b64uField, bytesOf, parseWire, wireInt } from '../protocol/wire';
import { isAcceptableFileName } from './fileName';
import { ciphertextSize, FILE_KEY_LENGTH, isAttachmentSize, isChunkSize, MAX_ATTACHMENT_SIZE, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE } from './format';
import { isMediaType, THUMBNAIL_MEDIA_TYPES } from './mediaType';
import { MAX_PARTS } from './parts';

/** The largest thumbnail (plaintext): a preview, not a second copy of the file. */
export const MAX_THUMBNAIL_SIZE = 262_144;
/** The largest thumbnail side in pixels. */
export const MAX_THUMBNAIL_SIDE = 1024;
/** The longest store reference of a part. */
export const MAX_PART_REF_LENGTH = 256;

const Sha256 = b64uField(32);
const FileKey = b64uField(FILE_KEY_LENGTH);
const ChunkSize = wireInt(MIN_CHUNK_SIZE, MAX_CHUNK_SIZE);

/** A store's name for one object: printable ASCII, chosen by the store (its layout is the store's). */
const PartRef = z
  .string()
  .min(1)
  .max(MAX_PART_REF_LENGTH)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

const PartSchema = z.strictObject({ ref: PartRef, size: wireInt(1, Number.MAX_SAFE_INTEGER), sha256: Sha256 });

/**
 * The parts sum to the ciphertext size of `size` plaintext bytes in chunks of `chunkSize`. Zod runs an
 * object's refinements even when a member failed; that member's own issue is reported then.
 */
function partsCover(d: { size: unknown; chunkSize: unknown; parts: unknown }): boolean {
  const { size, chunkSize, parts } = d;
  if (typeof size !== 'number' || typeof chunkSize !== 'number' || !isAttachmentSize(size) || !isChunkSize(chunkSize) || !Array.isArray(parts)) return true;
  return parts.reduce((sum: number, p: unknown) => sum + partSize(p), 0) === ciphertextSize(size, chunkSize);
}
function partSize(p: unknown): number {
  const size = typeof p === 'object' && p !== null ? (p as { size?: unknown }).size : undefined;
  return typeof size === 'number' ? size : 0;
}
const PARTS_COVER = { message: 'the parts must add up to the ciphertext size', path: ['parts'] };

const ThumbnailSchema = z
  .strictObject({
    key: FileKey,
    size: wireInt(1, MAX_THUMBNAIL_SIZE),
    chunkSize: ChunkSize,
    sha256: Sha256,
    mediaType: z.enum(THUMBNAIL_MEDIA_TYPES),
    width: wireInt(1, MAX_THUMBNAIL_SIDE),
    height: wireInt(1, MAX_THUMBNAIL_SIDE),
    parts: z.array(PartSchema).length(1),
  })
  .refine(partsCover, PARTS_COVER);

export const AttachmentDescriptorSchema = z
  .strictObject({
    v: z.literal(1),
    key: FileKey,
    size: wireInt(0, MAX_ATTACHMENT_SIZE),
    chunkSize: ChunkSize,
    sha256: Sha256,
    mediaType: z.string().max(255).refine(isMediaType, 'must be a lower-case type/subtype without parameters'),
    fileName: z
      .string()
      .refine(isWellFormedUnicode, 'must be well-formed Unicode')
      .refine(isAcceptableFileName, 'must be 1-255 UTF-8 bytes without controls, bidi or format characters, separators, or white space at either end'),
    parts: z.array(PartSchema).min(1).max(MAX_PARTS),
    thumbnail: ThumbnailSchema.optional(),
  })
  .refine(partsCover, PARTS_COVER);

/** A parsed descriptor (binary fields still base64url, as on the wire). */
export type AttachmentDescriptor = z.infer<typeof AttachmentDescriptorSchema>;
/** One stored part. */
export type AttachmentPart = z.infer<typeof PartSchema>;
/** An encrypted thumbnail. */
export type AttachmentThumbnail = z.infer<typeof ThumbnailSchema>;

/** Parses a descriptor from a decrypted message: `malformed` or `unsupported_version` (docs/protocol.md §12). */
export function parseAttachmentDescriptor(input: unknown): AttachmentDescriptor {
  return parseWire(AttachmentDescriptorSchema, input, 'attachment descriptor');
}

/** What a reader checks a file against, from a descriptor or a thumbnail (binary fields decoded). */
export function attachmentExpectation(d: AttachmentDescriptor | AttachmentThumbnail): {
  fileKey: Uint8Array;
  size: number;
  chunkSize: number;
  sha256: Uint8Array;
  parts: { size: number; sha256: Uint8Array }[];
} {
  return {
    fileKey: bytesOf(d.key),
    size: d.size,
    chunkSize: d.chunkSize,
    sha256: bytesOf(d.sha256),
    parts: d.parts.map((p) => ({ size: p.size, sha256: bytesOf(p.sha256) })),
  };
}
