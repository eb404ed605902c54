/**
 * Decrypts one file as a stream (docs/protocol.md §20.4, reader). The reader knows the plaintext size
 * and chunk size from the descriptor, so it knows where every chunk ends and which one is last: each chunk
 * is opened at its own index, the last one with the last-chunk flag. Plaintext is released chunk by chunk,
 * only once its chunk authenticated; the last chunk's plaintext only from `finish`, once the stream ended
 * exactly after it. Holds one chunk at a time.
 */
import type { CryptoProvider } from '../crypto/provider';
import { derivePayloadKey, openChunk } from './chunkCipher';
import { AttachmentError } from './errors';
import { chunkCount, chunkPlaintextLength, decodeHeader, HEADER_LENGTH, TAG_LENGTH } from './format';

/** What the reader knows from the descriptor. */
export interface OpenerOptions {
  readonly fileKey: Uint8Array;
  readonly size: number;
  readonly chunkSize: number;
}

export class AttachmentOpener {
  private readonly header = new Uint8Array(HEADER_LENGTH);
  private headerFill = 0;
  private payloadKey: Uint8Array | undefined;
  private readonly chunks: number;
  private readonly buffer: Uint8Array;
  private fill = 0;
  private index = 0;
  private last: Uint8Array | undefined;
  private broken = false;

  constructor(
    private readonly provider: CryptoProvider,
    private readonly options: OpenerOptions,
  ) {
    this.chunks = chunkCount(options.size, options.chunkSize);
    this.buffer = new Uint8Array(Math.min(options.size, options.chunkSize) + TAG_LENGTH);
  }

  /** Takes the next ciphertext bytes; yields the plaintext of every chunk they complete and that authenticates (never the last). */
  async *push(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
    if (this.broken) throw new AttachmentError('attachment_malformed', 'the stream is closed');
    try {
      let offset = 0;
      while (offset < bytes.length) {
        if (this.headerFill < HEADER_LENGTH) {
          offset += await this.takeHeader(bytes.subarray(offset));
          continue;
        }
        if (this.index === this.chunks) throw new AttachmentError('attachment_trailing_data', 'bytes follow the last chunk');
        const need = this.sealedLength() - this.fill;
        const n = Math.min(need, bytes.length - offset);
        this.buffer.set(bytes.subarray(offset, offset + n), this.fill);
        this.fill += n;
        offset += n;
        if (this.fill < this.sealedLength()) continue;
        const isLast = this.index === this.chunks - 1;
        const plaintext = await openChunk(this.provider, this.key(), this.index, isLast, this.buffer.subarray(0, this.fill));
        this.index++;
        this.fill = 0;
        if (isLast) this.last = plaintext;
        else yield plaintext;
      }
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** The last chunk's plaintext, once the stream ended exactly after it; `attachment_truncated` otherwise. */
  finish(): Uint8Array {
    if (this.broken) throw new AttachmentError('attachment_malformed', 'the stream is closed');
    const last = this.last;
    if (last === undefined) {
      this.close();
      const where = this.headerFill < HEADER_LENGTH ? 'inside the header' : `inside chunk ${this.index} of ${this.chunks}`;
      throw new AttachmentError('attachment_truncated', `the stream ends ${where}`, this.index);
    }
    this.close();
    return last;
  }

  private sealedLength(): number {
    return chunkPlaintextLength(this.index, this.options.size, this.options.chunkSize) + TAG_LENGTH;
  }

  private key(): Uint8Array {
    if (!this.payloadKey) throw new AttachmentError('attachment_malformed', 'no header yet');
    return this.payloadKey;
  }

  private async takeHeader(bytes: Uint8Array): Promise<number> {
    const n = Math.min(HEADER_LENGTH - this.headerFill, bytes.length);
    this.header.set(bytes.subarray(0, n), this.headerFill);
    this.headerFill += n;
    if (this.headerFill === HEADER_LENGTH) {
      const header = decodeHeader(this.header);
      if (header.chunkSize !== this.options.chunkSize)
        throw new AttachmentError('attachment_malformed', `the header's chunk size ${header.chunkSize} is not the descriptor's ${this.options.chunkSize}`);
      this.payloadKey = await derivePayloadKey(this.provider, this.options.fileKey, header.salt, header.chunkSize);
    }
    return n;
  }

  /** No more input (finished or refused): the payload key and buffered bytes are wiped. */
  private close(): void {
    this.broken = true;
    this.payloadKey?.fill(0);
    this.buffer.fill(0);
  }
}
