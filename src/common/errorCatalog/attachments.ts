/**
 * Error codes of the attachment file format (docs/protocol.md §20.6, src/common/attachments/errors.ts)
 * with their categories: all but `attachment_too_large` (a file over the sender's limit) mean a stream
 * that did not verify and is refused for good; the `attachment_store_*` codes are a store's failures
 * (src/node/attachments/store.ts). `satisfies` keeps this table and the two code types the same set.
 */
import type { AttachmentErrorCode, AttachmentStoreErrorCode } from '../attachments/errors';
import type { ErrorCategory } from '../errorCategory';

export const ATTACHMENT_ERRORS = {
  attachment_malformed: 'crypto',
  attachment_unsupported_version: 'crypto',
  attachment_bad_chunk: 'crypto',
  attachment_truncated: 'crypto',
  attachment_trailing_data: 'crypto',
  attachment_hash_mismatch: 'crypto',
  attachment_too_large: 'validation',
  attachment_store_not_found: 'not_found',
  attachment_store_access_denied: 'permission',
  attachment_store_bucket_missing: 'unavailable',
  attachment_store_unavailable: 'unavailable',
  attachment_store_part_too_large: 'validation',
  attachment_store_quota_exceeded: 'unavailable',
  attachment_store_bad_ref: 'validation',
  attachment_store_misconfigured: 'validation',
} as const satisfies Record<AttachmentErrorCode | AttachmentStoreErrorCode, ErrorCategory>;
