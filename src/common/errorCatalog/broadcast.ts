/**
 * Broadcast error codes (docs/broadcast.md §7, src/common/broadcast/errors.ts) with their categories: a
 * key manager answers them, the broadcast client throws them. `satisfies` keeps this table and
 * `BroadcastErrorCode` the same set.
 */
import type { BroadcastErrorCode } from '../broadcast/errors';
import type { ErrorCategory } from '../errorCategory';

export const BROADCAST_ERRORS = {
  claim_malformed: 'auth',
  claim_forged: 'auth',
  claim_expired: 'auth',
  claim_wrong_audience: 'auth',
  claim_wrong_issuer: 'auth',
  claim_unsupported_alg: 'auth',
  role_missing: 'permission',
  subscriber_revoked: 'permission',
  post_quantum_device_required: 'permission',
  descriptor_malformed: 'crypto',
  descriptor_bad_signature: 'crypto',
  descriptor_not_certified: 'crypto',
  descriptor_wrong_key_manager: 'crypto',
  channel_unknown: 'not_found',
  channel_exists: 'conflict',
  key_manager_refused: 'validation',
  key_manager_url_refused: 'validation',
  key_manager_not_in_descriptor: 'permission',
  directory_refused: 'validation',
  issuer_unreachable: 'transport',
  key_manager_unreachable: 'transport',
  key_manager_timeout: 'transport',
  key_manager_bad_response: 'transport',
  directory_unreachable: 'transport',
  transport_failed: 'transport',
} as const satisfies Record<BroadcastErrorCode, ErrorCategory>;
