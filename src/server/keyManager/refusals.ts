/**
 * Maps broadcast failures to the key manager's HTTP answers (docs/broadcast.md §7): refused claims are
 * 401, missing roles and revoked subscribers 403, unknown channels 404, a taken channel id 409, bad
 * descriptors or certificates 422, an unreachable claim issuer or unusable stored keys 503. The body's `code` is the broadcast
 * error code, so clients rebuild the same typed error.
 */
import { BroadcastError, type BroadcastErrorCode } from '../../common/broadcast/errors';
import { isProtocolError } from '../../common/protocol/errors';
import { missingCase } from '../../common/errors';
import { HttpError } from '../http/httpErrors';
import { KeyManagerStateError } from './errors';

function statusOf(code: BroadcastErrorCode): HttpError['status'] {
  switch (code) {
    case 'claim_malformed':
    case 'claim_forged':
    case 'claim_expired':
    case 'claim_wrong_audience':
    case 'claim_wrong_issuer':
    case 'claim_unsupported_alg':
      return 401;
    case 'role_missing':
    case 'subscriber_revoked':
    case 'post_quantum_device_required':
      return 403;
    case 'channel_unknown':
      return 404;
    case 'channel_exists':
      return 409;
    case 'issuer_unreachable':
    case 'key_manager_unreachable':
    case 'key_manager_timeout':
    case 'directory_unreachable':
    case 'transport_failed':
      return 503;
    case 'descriptor_malformed':
    case 'descriptor_bad_signature':
    case 'descriptor_not_certified':
    case 'descriptor_wrong_key_manager':
    case 'key_manager_refused':
    case 'key_manager_bad_response':
    case 'key_manager_url_refused':
    case 'key_manager_not_in_descriptor':
    case 'directory_refused':
      return 422;
    default:
      return missingCase(code);
  }
}

/** The HTTP error for a failure; anything unknown is rethrown as is (a bug, answered 500). */
export function toHttpError(err: unknown): unknown {
  if (err instanceof HttpError) return err;
  if (err instanceof BroadcastError) return new HttpError(statusOf(err.code), err.code, err.message);
  if (isProtocolError(err)) return new HttpError(422, 'certificate_refused', `device certificate refused: ${err.message}`);
  if (err instanceof KeyManagerStateError)
    return new HttpError(503, 'key_manager_state', 'the key manager cannot use its stored keys (master key or storage damaged)');
  return err;
}
