/**
 * Streamed decryption of one file (docs/protocol.md §20.4) over Node: ciphertext from any async iterable,
 * plaintext out as an async iterable. Each chunk's plaintext is released only once the chunk authenticated
 * at its position; the last chunk's only once the stream ended exactly after it and the SHA-256 of the
 * whole ciphertext is the descriptor's — so a consumer that reads to the end without an error holds the
 * sender's file, and one that gets an error got nothing past the chunk at fault.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CryptoProvider } from '../../common/crypto/provider';
import { AttachmentError } from '../../common/attachments/errors';
import { AttachmentOpener } from '../../common/attachments/opener';

/** What the descriptor says about the file (binary fields as bytes: `attachmentExpectation`). */
export interface AttachmentExpectation {
  readonly fileKey: Uint8Array;
  readonly size: number;
  readonly chunkSize: number;
  /** SHA-256 of the whole ciphertext. */
  readonly sha256: Uint8Array;
}

/** Decrypts and verifies `source` against what the descriptor says. */
export async function* decryptAttachment(
  provider: CryptoProvider,
  source: AsyncIterable<Uint8Array>,
  expected: AttachmentExpectation,
): AsyncGenerator<Uint8Array> {
  const opener = new AttachmentOpener(provider, expected);
  const hash = createHash('sha256');
  for await (const piece of source) {
    if (!(piece instanceof Uint8Array))
      throw new AttachmentError('attachment_malformed', 'ciphertext is read as bytes (a stream in object or string mode was given)');
    hash.update(piece);
    yield* opener.push(piece);
  }
  const last = opener.finish();
  const digest = hash.digest();
  if (expected.sha256.length !== digest.length || !timingSafeEqual(digest, expected.sha256))
    throw new AttachmentError('attachment_hash_mismatch', 'the ciphertext is not the one the descriptor names (SHA-256 differs)');
  yield last;
}
