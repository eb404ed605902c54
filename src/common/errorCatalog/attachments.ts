/**
 * Error codes of the attachment file format (docs/protocol.md §20.6, src/common/attachments/errors.ts)
 * with their categories: all but `attachment_too_large` (a file over the sender's limit) mean a stream
 * that did not verify and is refused for good. `satisfies` keeps this table and `AttachmentErrorCode`
 * the same set.
 */
import type { AttachmentErrorCode } from '../attachments/errors';
import type { ErrorCategory } from '../errorCategory';

export const ATTACHMENT_ERRORS = {
  attachment_malformed: 'crypto',
  attachment_unsupported_version: 'crypto',
  attachment_bad_chunk: 'crypto',
  attachment_truncated: 'crypto',
  attachment_trailing_data: 'crypto',
  attachment_hash_mismatch: 'crypto',
  attachment_too_large: 'validation',
} as const satisfies Record<AttachmentErrorCode, ErrorCategory>;
