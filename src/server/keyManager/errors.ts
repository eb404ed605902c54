/**
 * Errors of the key manager service (docs/broadcast.md §7) that are not request errors: a data directory
 * or stored record it cannot use. Request errors are the HTTP errors of src/server/http/httpErrors.ts.
 */
import { AppError } from '../../common/errors';

export class KeyManagerStateError extends AppError {
  constructor(message: string) {
    super('key_manager_state', message);
  }
}

export class KeyManagerConfigError extends AppError {
  constructor(message: string) {
    super('key_manager_config', message, 'validation');
  }
}
