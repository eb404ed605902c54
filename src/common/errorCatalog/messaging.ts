/**
 * Error codes the messaging pipeline throws (docs/messaging.md §Errors, src/common/messaging/errors.ts)
 * with their categories; the client core passes them on from `messaging()`. `satisfies` keeps this table
 * and `MessagingErrorCode` the same set.
 */
import type { ErrorCategory } from '../errorCategory';
import type { MessagingErrorCode } from '../messaging/errors';

export const MESSAGING_ERRORS = {
  invalid_input: 'validation',
  listener_failed: 'validation',
  unknown_message: 'not_found',
  disposed: 'unavailable',
  history_failed: 'transport',
  action_failed: 'transport',
  signal_failed: 'transport',
  cursor_failed: 'transport',
  subscribe_failed: 'transport',
  stored_history_failed: 'unavailable',
} as const satisfies Record<MessagingErrorCode, ErrorCategory>;
