/**
 * Typed storage errors the drivers translate their native errors into, so stores and handlers can
 * react to a constraint without knowing which database is underneath.
 */
import { AppError } from '../../common/errors';

/** A UNIQUE or PRIMARY KEY constraint refused the write. */
export class UniqueViolation extends AppError {
  constructor(detail: string) {
    super('unique_violation', `unique constraint violated: ${detail}`, 'conflict');
  }
}

/** A write that needs the serialization lock could not get it (PostgreSQL serialization failure or deadlock). */
export class SerializationFailure extends AppError {
  constructor(detail: string) {
    super('serialization_failure', `concurrent write conflict: ${detail}`, 'conflict');
  }
}
