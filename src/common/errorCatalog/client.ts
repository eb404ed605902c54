/**
 * Error codes the client core (src/client, docs/client.md) throws on its own, with their categories. It
 * also passes on the key service's codes (`KeyServiceError`), the protocol's, the broadcast client's and
 * the messaging pipeline's (the other tables of src/common/errorCatalog).
 */
import type { ErrorCategory } from '../errorCategory';

export const CLIENT_ERRORS = {
  not_signed_in: 'auth',
  needs_device_link: 'auth',
  keys_missing: 'auth',
  already_signed_in: 'conflict',
  reauthentication_mismatch: 'permission',
  rotation_conflict: 'conflict',
  membership_unmigrated: 'conflict',
  identity_changed: 'crypto',
  membership_mismatch: 'crypto',
  membership_missing: 'crypto',
  version_rollback: 'crypto',
  link_mismatch: 'crypto',
  link_rejected: 'permission',
  link_invalid: 'validation',
  invalid_profile: 'validation',
  invalid_secret_name: 'validation',
  missing_case: 'validation',
  link_timeout: 'transport',
  key_service_unreachable: 'transport',
  key_service_timeout: 'transport',
  bad_response: 'transport',
  client_closed: 'unavailable',
  keychain_unavailable: 'unavailable',
  vault_corrupt: 'unavailable',
  profile_state_unreadable: 'unavailable',
  key_cache_unreadable: 'unavailable',
  key_cache_write_failed: 'unavailable',
  key_cache_tampered: 'crypto',
  revocation_unproven: 'crypto',
  local_store_locked: 'crypto',
  local_store_failed: 'unavailable',
  search_query_empty: 'validation',
  push_device_invalid: 'validation',
  push_refused: 'validation',
  push_access_denied: 'permission',
  push_unavailable: 'unavailable',
  search_query_too_long: 'validation',
  search_not_member: 'permission',
  // recovery key and key backup (docs/protocol.md §18)
  recovery_key_unreadable: 'validation',
  recovery_key_invalid: 'crypto',
  recovery_key_outdated: 'crypto',
  backup_key_changed: 'crypto',
  no_recovery_key: 'not_found',
  // an account reset that waits on this profile (docs/protocol.md §18.9): finish it first; none waits here
  reset_waits_here: 'conflict',
  no_reset_here: 'not_found',
  // key custody (docs/protocol.md §19): the key service names another escrow recipient than the pinned one
  escrow_recipient_changed: 'crypto',
  escrow_recipient_invalid: 'crypto',
  // server-trusted custody (§19.4): this device does not accept keys the key service made
  server_key_refused: 'permission',
  // the managed policy names another custody mode than the key service announces: no escrow wrap is made
  custody_mode_mismatch: 'permission',
  // the managed policy requirePostQuantum: a device to wrap to has no X-Wing key (docs/protocol.md §5.1)
  post_quantum_required: 'permission',
} as const satisfies Record<string, ErrorCategory>;

export type ClientErrorCode = keyof typeof CLIENT_ERRORS;
