/**
 * The key service's typed HTTP errors (docs/api.md "Error codes"): each has a stable `code` of the
 * catalog (src/common/errorCodes.ts, which gives its category), an HTTP status, and a message safe to
 * show. Anything else that reaches the error handler is a bug and becomes a 500.
 */
import { AppError } from '../../common/errors';
import type { KeyServiceAnswerCode } from '../../common/errorCodes';

export type HttpStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 422 | 429 | 503;

export class HttpError extends AppError {
  constructor(
    readonly status: HttpStatus,
    override readonly code: KeyServiceAnswerCode,
    message: string,
  ) {
    super(code, message);
  }
}

/** The request is malformed: bad JSON, a field of the wrong shape, an id that is no id. */
export class BadRequest extends HttpError {
  constructor(message: string, code: KeyServiceAnswerCode = 'bad_request') {
    super(400, code, message);
  }
}

/** No valid credentials: missing, expired, tampered or revoked token; wrong password. */
export class Unauthorized extends HttpError {
  constructor(message = 'authentication required', code: KeyServiceAnswerCode = 'unauthorized') {
    super(401, code, message);
  }
}

/** Authenticated, but this principal may not do this. */
export class Forbidden extends HttpError {
  constructor(message = 'not allowed', code: KeyServiceAnswerCode = 'forbidden') {
    super(403, code, message);
  }
}

export class NotFound extends HttpError {
  constructor(message = 'not found', code: KeyServiceAnswerCode = 'not_found') {
    super(404, code, message);
  }
}

export class MethodNotAllowed extends HttpError {
  constructor(method: string) {
    super(405, 'method_not_allowed', `method ${method} is not allowed here`);
  }
}

/** The request conflicts with current state: wrong next version, name taken, already set. */
export class Conflict extends HttpError {
  constructor(message: string, code: KeyServiceAnswerCode = 'conflict') {
    super(409, code, message);
  }
}

export class PayloadTooLarge extends HttpError {
  constructor(limit: number) {
    super(413, 'payload_too_large', `request body exceeds ${limit} bytes`);
  }
}

/** Well-formed but semantically wrong: incomplete wraps, bad signature, certificate for someone else. */
export class Unprocessable extends HttpError {
  constructor(message: string, code: KeyServiceAnswerCode = 'unprocessable') {
    super(422, code, message);
  }
}

export class TooManyRequests extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'rate_limited', `too many requests; retry in ${retryAfterSeconds} s`);
  }
}

export class ServiceUnavailable extends HttpError {
  constructor(message: string) {
    super(503, 'unavailable', message);
  }
}
