/**
 * The one error the encoding helpers throw. Protocol code turns it into a `MalformedError`
 * (src/common/protocol/errors.ts) so callers see a single typed hierarchy.
 */
export class EncodingError extends Error {
  readonly code = 'malformed' as const;
  constructor(message: string) {
    super(message);
    this.name = 'EncodingError';
  }
}
