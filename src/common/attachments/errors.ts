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
