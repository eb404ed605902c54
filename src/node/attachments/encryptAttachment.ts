/**
 * Streamed encryption of one file (docs/protocol.md §20.4) over Node: plaintext from any async iterable
 * (a `fs.ReadStream`, a `Readable`, a generator), ciphertext out as an async iterable that `stream.pipeline`
 * or `Readable.from` take; the SHA-256 of the ciphertext is computed on the way. Memory stays at about one
 * chunk whatever the size; the consumer's pace sets the pace (nothing is read ahead).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { CryptoProvider } from '../../common/crypto/provider';
import { AttachmentError } from '../../common/attachments/errors';
import { DEFAULT_CHUNK_SIZE, FILE_KEY_LENGTH, SALT_LENGTH } from '../../common/attachments/format';
import { AttachmentSealer } from '../../common/attachments/sealer';

export interface EncryptOptions {
  /** Defaults to DEFAULT_CHUNK_SIZE (64 KiB). */
  readonly chunkSize?: number;
  /** The largest plaintext accepted; `attachment_too_large` beyond it. */
  readonly maxSize?: number;
  /** Fixed key and salt, only for test vectors: a real file always gets fresh random ones. */
  readonly fileKey?: Uint8Array;
  readonly salt?: Uint8Array;
}

/** What a finished encryption produced. */
export interface EncryptedFile {
  readonly fileKey: Uint8Array;
  /** Plaintext bytes. */
  readonly size: number;
  readonly chunkSize: number;
  readonly ciphertextSize: number;
  /** SHA-256 of the whole ciphertext. */
  readonly sha256: Uint8Array;
}

/** The ciphertext of one file, to be read once; `result()` once it has been read to the end. */
export class AttachmentEncryption implements AsyncIterable<Uint8Array> {
  readonly fileKey: Uint8Array;
  private readonly chunkSize: number;
  private done: EncryptedFile | undefined;
  private started = false;

  constructor(
    private readonly provider: CryptoProvider,
    private readonly source: AsyncIterable<Uint8Array>,
    private readonly options: EncryptOptions = {},
  ) {
    this.fileKey = options.fileKey ?? new Uint8Array(randomBytes(FILE_KEY_LENGTH));
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  }

  /** Sizes, key and hash; throws until the ciphertext has been read to the end. */
  result(): EncryptedFile {
    if (!this.done) throw new Error('the ciphertext has not been read to the end');
    return this.done;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.started) throw new Error('an attachment ciphertext can be read only once');
    this.started = true;
    return this.run();
  }

  private async *run(): AsyncGenerator<Uint8Array> {
    const salt = this.options.salt ?? new Uint8Array(randomBytes(SALT_LENGTH));
    const sealer = await AttachmentSealer.create(this.provider, { fileKey: this.fileKey, salt, chunkSize: this.chunkSize, maxSize: this.options.maxSize });
    const hash = createHash('sha256');
    let written = 0;
    const out = (bytes: Uint8Array): Uint8Array => {
      hash.update(bytes);
      written += bytes.length;
      return bytes;
    };
    yield out(sealer.header);
    for await (const piece of this.source) {
      if (!(piece instanceof Uint8Array))
        throw new AttachmentError('attachment_malformed', 'a file is read as bytes (a stream in object or string mode was given)');
      for await (const sealed of sealer.push(piece)) yield out(sealed);
    }
    yield out(await sealer.finish());
    this.done = { fileKey: this.fileKey, size: sealer.size, chunkSize: this.chunkSize, ciphertextSize: written, sha256: new Uint8Array(hash.digest()) };
  }
}

/** Encrypts `source` under a fresh random file key (docs/protocol.md §20.4). */
export function encryptAttachment(provider: CryptoProvider, source: AsyncIterable<Uint8Array>, options?: EncryptOptions): AttachmentEncryption {
  return new AttachmentEncryption(provider, source, options);
}
