/**
 * Attachment parts in an S3-compatible bucket through `@aws-sdk/client-s3` (docs/operations.md "Attachment
 * store", with the IAM policy an operator needs: s3:PutObject, s3:GetObject, s3:DeleteObject on the
 * bucket's prefix). Each part is one object under `<prefix><random ref>`; the object holds the part's
 * ciphertext and nothing else (no file name, no media type, no user metadata). Tested against moto's S3
 * (`moto_server`, started by scripts/with-services.sh). Errors are mapped by S3's error code and, failing
 * that, by HTTP status: moto answers a bucket policy's denial as a bare 403 the SDK names `Unknown`, and
 * real S3 answers a missing object with 403 when the role lacks s3:ListBucket.
 *
 * A part is read whole (at most `maxPartSize`, the format's part size by default) before it is sent, so S3
 * gets its length up front and memory stays bounded by one part.
 */
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { AttachmentStoreError } from '../../common/attachments/errors';
import { checkStoreRef, maxPartSizeOf, newStoreRef, readBoundedPart, type AttachmentStore } from './store';

export interface S3AttachmentStoreOptions {
  readonly bucket: string;
  /** Prepended to every key (e.g. `attachments/`); the IAM policy can be limited to it. */
  readonly prefix?: string;
  readonly region: string;
  /** An endpoint other than AWS's (MinIO, Ceph, a VPC endpoint; moto in tests). */
  readonly endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`), which most S3-compatible servers need. */
  readonly forcePathStyle?: boolean;
  /** Static credentials (tests); otherwise the SDK's default chain (environment, instance role, …). */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  readonly maxPartSize?: number;
  /** Attempts per request (default 3). */
  readonly maxAttempts?: number;
}

const PREFIX = /^[A-Za-z0-9!_.*'()/-]{0,200}$/;

export class S3AttachmentStore implements AttachmentStore {
  readonly kind = 's3' as const;
  readonly maxPartSize: number;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(opts: S3AttachmentStoreOptions) {
    if (opts.bucket.trim() === '') throw new RangeError('the S3 attachment store needs a bucket');
    if (opts.region.trim() === '') throw new RangeError('the S3 attachment store needs a region');
    const prefix = opts.prefix ?? '';
    if (!PREFIX.test(prefix)) throw new RangeError("the S3 key prefix may hold only letters, digits and !_.*'()/-");
    this.bucket = opts.bucket;
    this.prefix = prefix;
    this.maxPartSize = maxPartSizeOf(opts.maxPartSize);
    const config: S3ClientConfig = {
      region: opts.region,
      maxAttempts: opts.maxAttempts ?? 3,
      // No CRC32 of each body on the way out nor on the way back: every part is checked against its SHA-256 in
      // the sealed descriptor (docs/protocol.md §20.7), so the SDK's checksums only cost a pass over the bytes.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      ...(opts.forcePathStyle !== undefined ? { forcePathStyle: opts.forcePathStyle } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
    };
    this.client = new S3Client(config);
  }

  /** The object key of a reference (for operators and tests; never derived from anything but the ref). */
  keyOf(ref: string): string {
    return this.prefix + checkStoreRef(ref);
  }

  async put(part: AsyncIterable<Uint8Array>): Promise<string> {
    const body = await readBoundedPart(part, this.maxPartSize);
    const ref = newStoreRef();
    await this.send(() =>
      this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.keyOf(ref), Body: body, ContentLength: body.length, ContentType: 'application/octet-stream' }),
      ),
    );
    return ref;
  }

  async *get(ref: string): AsyncGenerator<Uint8Array> {
    const Key = this.keyOf(ref);
    const out = await this.send(() => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key })));
    if (out.ContentLength !== undefined && out.ContentLength > this.maxPartSize)
      throw new AttachmentStoreError('attachment_store_part_too_large', `the object is larger than the store's ${this.maxPartSize} bytes`);
    const body = out.Body as AsyncIterable<Uint8Array> | undefined;
    if (body === undefined || typeof body[Symbol.asyncIterator] !== 'function')
      throw new AttachmentStoreError('attachment_store_unavailable', 'S3 answered GetObject without a body');
    try {
      for await (const piece of body) yield piece instanceof Uint8Array ? piece : new Uint8Array(piece);
    } catch (err) {
      throw err instanceof AttachmentStoreError ? err : new AttachmentStoreError('attachment_store_unavailable', 'the S3 object stream broke off');
    }
  }

  async delete(ref: string): Promise<void> {
    const Key = this.keyOf(ref);
    await this.send(() => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })));
  }

  async exists(ref: string): Promise<boolean> {
    const Key = this.keyOf(ref);
    try {
      await this.send(() => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key })));
      return true;
    } catch (err) {
      if (err instanceof AttachmentStoreError && err.code === 'attachment_store_not_found') return false;
      throw err;
    }
  }

  /** Closes the SDK's connections. */
  destroy(): void {
    this.client.destroy();
  }

  /** Maps the SDK's failures to the typed store errors (codes to the log; no key or bucket in a message). */
  private async send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw s3Error(err);
    }
  }
}

function s3Error(err: unknown): AttachmentStoreError {
  const e = err as { name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number } };
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.Code === 'string' ? e.Code : name;
  const status = e.$metadata?.httpStatusCode;
  if (code === 'NoSuchBucket' || name === 'NoSuchBucket')
    return new AttachmentStoreError('attachment_store_bucket_missing', 'the attachment bucket does not exist');
  if (code === 'NoSuchKey' || name === 'NoSuchKey' || (name === 'NotFound' && status === 404))
    return new AttachmentStoreError('attachment_store_not_found', 'no attachment object under this reference');
  if (code === 'AccessDenied' || code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch' || status === 403)
    return new AttachmentStoreError(
      'attachment_store_access_denied',
      `S3 refused the attachment store's credentials (${code || 'forbidden'}; check the IAM policy)`,
    );
  return new AttachmentStoreError('attachment_store_unavailable', `S3 did not answer usably: ${code || 'error'}`);
}
