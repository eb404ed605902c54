/**
 * The root of the project's typed errors. Every failure a caller can act on is an `AppError` with a
 * stable, machine-readable `code`; messages are for people and never contain secrets.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Ends an exhaustive `switch`: the compiler proves it unreachable, the runtime refuses a new case. */
export function missingCase(value: never): never {
  throw new AppError('missing_case', `unhandled case: ${JSON.stringify(value)}`);
}
