/**
 * The root of the project's typed errors. Every failure a caller can act on is an `AppError` with a
 * stable, machine-readable `code` and the `category` callers branch on (src/common/errorCategory.ts);
 * messages are for people and never contain secrets. A code of the catalog (src/common/errorCodes.ts)
 * takes its category from there; any other code (errors local to one layer: policy, relay, desktop, CLI)
 * names its category where it is raised.
 */
import type { ErrorCategory } from './errorCategory';
import { errorCategory, isErrorCode, type ErrorCode } from './errorCodes';

export class AppError extends Error {
  readonly category: ErrorCategory;

  constructor(code: ErrorCode, message: string);
  constructor(code: string, message: string, category: ErrorCategory);
  constructor(
    readonly code: string,
    message: string,
    category?: ErrorCategory,
  ) {
    super(message);
    this.name = new.target.name;
    this.category = category ?? categoryOfCatalogCode(code);
  }
}

/** Only reached for a catalog code (the overloads require a category otherwise). */
function categoryOfCatalogCode(code: string): ErrorCategory {
  return isErrorCode(code) ? errorCategory(code) : 'validation';
}

/** Ends an exhaustive `switch`: the compiler proves it unreachable, the runtime refuses a new case. */
export function missingCase(value: never): never {
  throw new AppError('missing_case', `unhandled case: ${JSON.stringify(value)}`);
}
