/**
 * Every error code the key service answers (docs/api.md "Error codes"), with its category
 * (src/common/errorCategory.ts), grouped by category. The body is `{"error": {"code", "message"}}`; the
 * codes are stable wire values and never renamed. Besides these it answers `certificate_<protocol code>`
 * (a device certificate refused, src/common/errorCatalog/protocol.ts), the protocol codes themselves (a
 * key-version record refused) and, from its broadcast endpoints and mounted key manager, the broadcast
 * codes (src/common/errorCatalog/broadcast.ts).
 */
import type { ErrorCategory } from '../errorCategory';

export const KEY_SERVICE_ERRORS = {
  // auth: credentials missing, wrong, expired or revoked
  unauthorized: 'auth',
  bad_authorization: 'auth',
  bad_credentials: 'auth',
  invalid_token: 'auth',
  invalid_refresh_token: 'auth',
  refresh_token_reused: 'auth',
  session_revoked: 'auth',
  device_revoked: 'auth',
  // answered by servers before device sessions (401); a device route now answers device_session_required
  device_required: 'auth',
  device_unknown: 'auth',
  // device sessions (docs/api.md "Sessions", docs/protocol.md §16)
  device_session_required: 'auth',
  challenge_unknown: 'auth',
  challenge_expired: 'auth',
  challenge_used: 'auth',
  device_proof_invalid: 'auth',
  // single sign-on (docs/api.md "Sign-in methods and single sign-on"): the ID token was refused
  oidc_token_invalid: 'auth',
  oidc_token_expired: 'auth',
  oidc_wrong_issuer: 'auth',
  oidc_wrong_audience: 'auth',
  oidc_alg_not_allowed: 'auth',
  oidc_nonce_mismatch: 'auth',
  oidc_token_replayed: 'auth',
  // permission: known caller, not allowed
  forbidden: 'permission',
  // a device certificate's company identity (sso) is not the one the account signed in with
  sso_identity_mismatch: 'permission',
  not_a_member: 'permission',
  role_required: 'permission',
  before_membership: 'permission',
  not_your_devices: 'permission',
  not_link_approver: 'permission',
  not_channel_owner: 'permission',
  not_channel_creator: 'permission',
  wrong_password: 'permission',
  sign_in_method_not_allowed: 'permission',
  registration_closed: 'permission',
  account_deactivated: 'permission',
  oidc_email_unverified: 'permission',
  oidc_email_domain_not_allowed: 'permission',
  // validation: the request is malformed or refused as it is
  bad_request: 'validation',
  bad_path: 'validation',
  bad_json: 'validation',
  unsupported_media_type: 'validation',
  invalid_params: 'validation',
  invalid_query: 'validation',
  invalid_body: 'validation',
  payload_too_large: 'validation',
  method_not_allowed: 'validation',
  unprocessable: 'validation',
  unknown_device: 'validation',
  unknown_user: 'validation',
  bad_direct: 'validation',
  name_required: 'validation',
  wraps_mismatch: 'validation',
  migration_mismatch: 'validation',
  // key custody (docs/protocol.md §19): a key version without the escrow wrap an escrow organisation requires
  escrow_wrap_missing: 'validation',
  escrow_recipient_mismatch: 'validation',
  escrow_not_enabled: 'validation',
  // server-trusted custody (docs/protocol.md §19.4): the key service makes every key version itself
  server_keys_only: 'validation',
  device_proof_required: 'validation',
  // an account reset (docs/protocol.md §18.9) must make a new identity key
  identity_key_unchanged: 'validation',
  // not_found
  not_found: 'not_found',
  channel_not_listed: 'not_found',
  link_not_found: 'not_found',
  link_expired: 'not_found',
  no_versions: 'not_found',
  no_such_version: 'not_found',
  no_wrap: 'not_found',
  session_not_found: 'not_found',
  no_revocation: 'not_found',
  no_backup: 'not_found',
  lost_in_reset: 'not_found',
  no_account_reset: 'not_found',
  // conflict: the state changed under the request
  conflict: 'conflict',
  username_taken: 'conflict',
  session_has_device: 'conflict',
  device_exists: 'conflict',
  identity_key_changed: 'conflict',
  link_claimed: 'conflict',
  link_not_claimed: 'conflict',
  direct_conversation: 'conflict',
  version_conflict: 'conflict',
  conversation_id_taken: 'conflict',
  membership_conflict: 'conflict',
  membership_changed: 'conflict',
  member_devices_mismatch: 'conflict',
  wrap_exists: 'conflict',
  channel_id_taken: 'conflict',
  already_listed: 'conflict',
  backup_version_conflict: 'conflict',
  backup_version_stale: 'conflict',
  backup_full: 'conflict',
  backup_header_conflict: 'conflict',
  server_made_version: 'conflict',
  custody_not_server_trusted: 'conflict',
  // an account reset (docs/protocol.md §18.9): there is no identity to reset; `account_has_active_device` was
  // answered before the waiting period (a request with a signed-in device now waits) and is kept categorized
  account_has_active_device: 'conflict',
  no_identity_to_reset: 'conflict',
  // the waiting period of a reset (§18.9): one waits already, it has not ended, or a device cancelled it
  reset_already_waiting: 'conflict',
  reset_waiting: 'conflict',
  reset_cancelled: 'conflict',
  // crypto: a signature or certificate did not verify
  signer_not_caller: 'crypto',
  actor_not_caller: 'crypto',
  bad_grant: 'crypto',
  certificate_refused: 'crypto',
  bad_revocation: 'crypto',
  bad_backup_descriptor: 'crypto',
  bad_backup_entry: 'crypto',
  bad_backup_header: 'crypto',
  no_backup_header: 'crypto',
  // unavailable: cannot serve now
  rate_limited: 'unavailable',
  unavailable: 'unavailable',
  messaging_unavailable: 'unavailable',
  key_manager_state: 'unavailable',
  internal: 'unavailable',
  oidc_provider_unreachable: 'unavailable',
  // the key service's KMS (server-trusted custody): unreachable, its key disabled, a ciphertext it refuses
  kms_unavailable: 'unavailable',
  kms_key_disabled: 'unavailable',
  kms_decrypt_failed: 'unavailable',
} as const satisfies Record<string, ErrorCategory>;

export type KeyServiceErrorCode = keyof typeof KEY_SERVICE_ERRORS;
