/**
 * Encrypts one file as a stream (docs/protocol.md §20.4, writer): bytes go in as they come, sealed chunks
 * come out; it holds at most one chunk of plaintext, whatever the file's size. A full chunk is sealed only
 * once the next byte arrives, because only then is it known not to be the last.
 */
import type { CryptoProvider } from '../crypto/provider';
import { derivePayloadKey, sealChunk } from './chunkCipher';
import { AttachmentError } from './errors';
import { encodeHeader, FILE_KEY_LENGTH, isAttachmentSize, isChunkSize, MAX_ATTACHMENT_SIZE, SALT_LENGTH } from './format';

/** What a sealer is made from; `salt` comes from the CSPRNG except in test vectors. */
export interface SealerOptions {
  readonly fileKey: Uint8Array;
  readonly salt: Uint8Array;
  readonly chunkSize: number;
  /** The largest plaintext accepted (a managed policy's limit); `attachment_too_large` beyond it. */
  readonly maxSize?: number;
}

export class AttachmentSealer {
  /** The header: emit it before the first chunk. */
  readonly header: Uint8Array;
  private readonly buffer: Uint8Array;
  private fill = 0;
  private index = 0;
  private total = 0;
  private finished = false;

  private constructor(
    private readonly provider: CryptoProvider,
    private readonly payloadKey: Uint8Array,
    private readonly chunkSize: number,
    private readonly maxSize: number,
    salt: Uint8Array,
  ) {
    this.header = encodeHeader({ chunkSize, salt });
    this.buffer = new Uint8Array(chunkSize);
  }

  static async create(provider: CryptoProvider, options: SealerOptions): Promise<AttachmentSealer> {
    const maxSize = options.maxSize ?? MAX_ATTACHMENT_SIZE;
    if (!isChunkSize(options.chunkSize) || !isAttachmentSize(maxSize) || options.fileKey.length !== FILE_KEY_LENGTH || options.salt.length !== SALT_LENGTH)
      throw new AttachmentError('attachment_malformed', 'the sealer options are out of range');
    const payloadKey = await derivePayloadKey(provider, options.fileKey, options.salt, options.chunkSize);
    return new AttachmentSealer(provider, payloadKey, options.chunkSize, maxSize, Uint8Array.from(options.salt));
  }

  /** Plaintext bytes taken so far. */
  get size(): number {
    return this.total;
  }

  /** Takes the next plaintext bytes; yields the chunks they complete (never the last one). */
  async *push(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
    if (this.finished) throw new AttachmentError('attachment_malformed', 'the sealer is finished');
    if (this.total + bytes.length > this.maxSize) throw new AttachmentError('attachment_too_large', `the file is larger than ${this.maxSize} bytes`);
    this.total += bytes.length;
    let offset = 0;
    while (offset < bytes.length) {
      if (this.fill === this.chunkSize) {
        yield await sealChunk(this.provider, this.payloadKey, this.index, false, this.buffer);
        this.index++;
        this.fill = 0;
      }
      const n = Math.min(this.chunkSize - this.fill, bytes.length - offset);
      this.buffer.set(bytes.subarray(offset, offset + n), this.fill);
      this.fill += n;
      offset += n;
    }
  }

  /** Seals what is left as the last chunk (empty only for an empty file) and forgets the keys. */
  async finish(): Promise<Uint8Array> {
    if (this.finished) throw new AttachmentError('attachment_malformed', 'the sealer is finished');
    this.finished = true;
    const last = await sealChunk(this.provider, this.payloadKey, this.index, true, this.buffer.subarray(0, this.fill));
    this.payloadKey.fill(0);
    this.buffer.fill(0);
    return last;
  }
}
