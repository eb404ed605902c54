/**
 * Typed errors of the local PubNub-protocol relay. Every refusal is a `RelayError` with a stable `code`, the
 * HTTP status it maps to and, for Access Manager refusals, the resources that were denied. The HTTP layer turns
 * them into the JSON bodies the `pubnub` SDK parses (docs/pubnub-wire.md §0 and §3.1).
 */
import { categoryOfStatus } from '../common/errorCategory';
import { AppError } from '../common/errors';

export type RelayErrorCode =
  | 'malformed_path'
  | 'malformed_query'
  | 'invalid_parameter'
  | 'invalid_json'
  | 'invalid_name'
  | 'invalid_key'
  | 'missing_uuid'
  | 'unsupported_feature'
  | 'access_manager_disabled'
  | 'invalid_signature'
  | 'invalid_token'
  | 'token_expired'
  | 'token_revoked'
  | 'forbidden'
  | 'unknown_endpoint'
  | 'method_not_allowed'
  | 'not_found'
  | 'action_exists'
  | 'message_too_large'
  | 'body_too_large'
  | 'history_full'
  | 'files_full'
  | 'file_url_invalid'
  | 'file_url_expired'
  | 'uploads_full'
  | 'push_registrations_full'
  | 'long_poll_limit'
  | 'long_polls_full'
  | 'connections_full';

/** Resources named in a 403 body (`payload.channels` / `payload["channel-groups"]`). */
export interface DeniedResources {
  readonly channels: readonly string[];
  readonly groups: readonly string[];
}

export class RelayError extends AppError {
  constructor(
    override readonly code: RelayErrorCode,
    readonly status: number,
    message: string,
    readonly service: string = 'Relay',
  ) {
    super(code, message, categoryOfStatus(status));
  }
}

export class BadRequestError extends RelayError {
  constructor(code: RelayErrorCode, message: string, service?: string) {
    super(code, 400, message, service);
  }
}

export class AccessDeniedError extends RelayError {
  constructor(
    code: RelayErrorCode,
    message: string,
    readonly denied: DeniedResources = { channels: [], groups: [] },
  ) {
    super(code, 403, message, 'Access Manager');
  }
}

export class NotFoundError extends RelayError {
  constructor(code: RelayErrorCode, message: string) {
    super(code, 404, message);
  }
}

export class MethodNotAllowedError extends RelayError {
  constructor(message: string) {
    super('method_not_allowed', 405, message);
  }
}

export class ConflictError extends RelayError {
  constructor(code: RelayErrorCode, message: string, service?: string) {
    super(code, 409, message, service);
  }
}

export class PayloadTooLargeError extends RelayError {
  constructor(code: RelayErrorCode, message: string) {
    super(code, 413, message);
  }
}

/** The history store is at its configured cap (docs/relay.md, "Limits"): nothing was stored or sent. */
export class HistoryFullError extends RelayError {
  constructor(message: string) {
    super('history_full', 507, message);
  }
}

/**
 * A Files quota (per channel or per subscribe key, docs/relay.md "Limits") would be passed: nothing was stored.
 * A 400, as S3 answers an upload past its policy's size range (`EntityTooLarge`) — and because the SDK
 * retries every failed Files request except 400, 403 and 404, while a full quota is not transient.
 */
export class FilesFullError extends RelayError {
  constructor(message: string) {
    super('files_full', 400, message, 'Files');
  }
}

/**
 * A Files upload or download URL the relay handed out is refused: `file_url_invalid` (never issued, already
 * used, or its signature does not match) or `file_url_expired`.
 */
export class FileUrlError extends RelayError {
  constructor(code: 'file_url_invalid' | 'file_url_expired', message: string) {
    super(code, 403, message, 'Files');
  }
}

/** Mobile Push registrations are at a bound (devices per key, channels per device): nothing was registered. */
export class PushLimitError extends RelayError {
  constructor(message: string) {
    super('push_registrations_full', 507, message, 'Push');
  }
}

/** One token (or, on an open relay, one uuid) holds its most subscribe long-polls at once. */
export class LongPollLimitError extends RelayError {
  constructor(limit: number) {
    super('long_poll_limit', 429, `Too many held subscribe requests for this token: at most ${limit} at once`);
  }
}

/** The relay is at a total cap (held long-polls or open connections); retry later. */
export class RelayBusyError extends RelayError {
  constructor(code: 'long_polls_full' | 'connections_full' | 'uploads_full', message: string) {
    super(code, 503, message);
  }
}

/** Refusal to start: bad options, or the data directory is held by another relay. */
export class RelayConfigError extends AppError {
  constructor(
    override readonly code: 'invalid_config' | 'data_dir_in_use',
    message: string,
  ) {
    super(code, message, 'validation');
  }
}
