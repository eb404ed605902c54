/**
 * The typed errors of the attachment file format (docs/protocol.md §20.6). Their own family beside the
 * message protocol's codes (§12): a stream that fails one of these is refused for good, and no plaintext
 * past the failing chunk has been released (§20.4). A descriptor that does not parse is the protocol's
 * `malformed` / `unsupported_version` (§20.5), not one of these. Categories: src/common/errorCatalog/attachments.ts.
 */
import { AppError } from '../errors';

/** Every code an attachment error can carry. */
export type AttachmentErrorCode =
  | 'attachment_malformed'
  | 'attachment_unsupported_version'
  | 'attachment_bad_chunk'
  | 'attachment_truncated'
  | 'attachment_trailing_data'
  | 'attachment_hash_mismatch'
  | 'attachment_too_large';

/**
 * An attachment stream refused: `attachment_malformed` (bad header or parameters), `…_unsupported_version`
 * (a header version other than 1), `…_bad_chunk` (a chunk does not authenticate at its position: altered,
 * reordered, duplicated, spliced, wrong key), `…_truncated` (the stream or a part ends early),
 * `…_trailing_data` (bytes after the last chunk or past a part's size), `…_hash_mismatch` (the ciphertext or
 * a part is not the one the descriptor names), `…_too_large` (a file over the sender's limit).
 */
export class AttachmentError extends AppError {
  declare readonly code: AttachmentErrorCode;
  /** The chunk (for `…_bad_chunk`) or part (for part failures) at fault, when there is one. */
  readonly index: number | undefined;
  constructor(code: AttachmentErrorCode, message: string, index?: number) {
    super(code, message);
    this.name = 'AttachmentError';
    this.index = index;
  }
}

/** Every code a store of attachment objects can raise (src/node/attachments/store.ts). */
export type AttachmentStoreErrorCode =
  | 'attachment_store_not_found'
  | 'attachment_store_access_denied'
  | 'attachment_store_bucket_missing'
  | 'attachment_store_unavailable'
  | 'attachment_store_part_too_large'
  | 'attachment_store_quota_exceeded'
  | 'attachment_store_bad_ref'
  | 'attachment_store_misconfigured';

/**
 * A store of ciphertext objects failed: `attachment_store_not_found` (no object under the reference: never
 * stored, deleted, or expired), `…_access_denied` (the store refused this service's credentials: an IAM or
 * filesystem permission), `…_bucket_missing` (the configured bucket or directory does not exist),
 * `…_unavailable` (the store did not answer usably: unreachable, timed out), `…_part_too_large` (a part over
 * the store's part size, refused before it is stored), `…_quota_exceeded` (the store's storage quota for this
 * channel or account is used up: nothing was stored; deleting old files makes room), `…_bad_ref` (not a
 * reference this store makes), `…_misconfigured` (the configured store cannot be set up: a managed policy or
 * command line that names an S3 store without its bucket, a folder with a managed server; files stay
 * unavailable until it is fixed, the rest of the app works).
 */
export class AttachmentStoreError extends AppError {
  declare readonly code: AttachmentStoreErrorCode;
  constructor(code: AttachmentStoreErrorCode, message: string) {
    super(code, message);
    this.name = 'AttachmentStoreError';
  }
}
