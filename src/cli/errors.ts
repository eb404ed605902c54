/**
 * CLI usage errors (docs/client.md, "CLI"): a wrong command, a missing argument or an unknown option; the CLI
 * prints `usage_error: <reason>` on one line and exits 2.
 */
import { AppError } from '../common/errors';

export class UsageError extends AppError {
  constructor(message: string) {
    super('usage_error', message, 'validation');
  }
}

/** The user declined a confirmation; nothing was changed. */
export class DeclinedError extends AppError {
  constructor(message: string) {
    super('declined', message, 'validation');
  }
}
