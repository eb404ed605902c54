/**
 * Test helpers for attachment streams: sources that hand bytes over in pieces of chosen sizes, and a reader
 * that keeps what a stream released before it failed.
 */
import { concatBytes } from '../../src/common/encoding/bytes';

/** `bytes` as an async iterable of pieces of `pieceSize` (the last one shorter). */
export async function* piecesOf(bytes: Uint8Array, pieceSize: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += pieceSize) yield bytes.subarray(i, i + pieceSize);
}

/** Everything a stream yields, concatenated. */
export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  for await (const p of stream) pieces.push(p);
  return concatBytes(...pieces);
}

/** What a stream released before it ended or failed, and the error it failed with. */
export async function drain(stream: AsyncIterable<Uint8Array>): Promise<{ emitted: Uint8Array; error: unknown }> {
  const pieces: Uint8Array[] = [];
  try {
    for await (const p of stream) pieces.push(p);
    return { emitted: concatBytes(...pieces), error: undefined };
  } catch (error) {
    return { emitted: concatBytes(...pieces), error };
  }
}

/** Plaintext byte i is i mod 251 (as in test/vectors/attachments.json). */
export function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i % 251);
}
