/**
 * Typed errors of broadcast channels (docs/broadcast.md §7): descriptor checks, role claims, key
 * manager refusals and transport failures. Every failure carries a stable `code`; messages never hold
 * key material.
 */
import { AppError } from '../errors';

/** Every code a broadcast error can carry. */
export type BroadcastErrorCode =
  | 'descriptor_malformed'
  | 'descriptor_bad_signature'
  | 'descriptor_not_certified'
  | 'descriptor_wrong_key_manager'
  | 'claim_malformed'
  | 'claim_forged'
  | 'claim_expired'
  | 'claim_wrong_audience'
  | 'claim_wrong_issuer'
  | 'claim_unsupported_alg'
  | 'issuer_unreachable'
  | 'role_missing'
  | 'subscriber_revoked'
  | 'post_quantum_device_required'
  | 'channel_exists'
  | 'channel_unknown'
  | 'key_manager_unreachable'
  | 'key_manager_timeout'
  | 'key_manager_refused'
  | 'key_manager_bad_response'
  | 'key_manager_url_refused'
  | 'key_manager_not_in_descriptor'
  | 'directory_unreachable'
  | 'directory_refused'
  | 'transport_failed';

/** Base class of broadcast failures. */
export class BroadcastError extends AppError {
  declare readonly code: BroadcastErrorCode;
  constructor(code: BroadcastErrorCode, message: string) {
    super(code, message);
  }
}

/** The channel descriptor does not parse, is not signed by its creator's certified device, or names another key manager. */
export class DescriptorError extends BroadcastError {}

/** A role claim (JWT) was refused: forged, expired, for another audience, from an untrusted issuer, or lacking a role. */
export class ClaimError extends BroadcastError {}

/** PubNub (or the relay) refused or failed a publish or history read; `reason` is the delivery-failure code. */
export class TransportError extends BroadcastError {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super('transport_failed', message);
  }
}

/** The key service's channel directory or claim endpoint refused the request or could not be reached. */
export class DirectoryError extends BroadcastError {
  constructor(
    code: BroadcastErrorCode,
    message: string,
    readonly status: number | null = null,
  ) {
    super(code, message);
  }
}

/** The key manager refused the request (carries its HTTP status) or could not be reached in time. */
export class KeyManagerError extends BroadcastError {
  constructor(
    code: BroadcastErrorCode,
    message: string,
    readonly status: number | null = null,
  ) {
    super(code, message);
  }
}
