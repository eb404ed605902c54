/** Typed errors of the local store (docs/client.md "Local store"). */
import { AppError } from '../../common/errors';

/** The database file does not open with the key the keychain holds (no key, a wrong key, or not a database). */
export class LocalStoreLockedError extends AppError {
  constructor(detail: string) {
    super('local_store_locked', `the local message store cannot be opened: ${detail}`);
  }
}

/** The database could not be read or written (disk full, closed, I/O error). */
export class LocalStoreFailedError extends AppError {
  constructor(detail: string) {
    super('local_store_failed', `the local message store failed: ${detail}`);
  }
}
