/**
 * Typed failures of the benchmark harness, each with a stable `code` (STYLE.md: typed error classes).
 * A section that throws one is reported as not measured with the message; the run goes on.
 */
import { AppError } from '../../src/common/errors';

/** A spawned load script is missing, timed out, failed or printed no JSON last line. */
export class LoadScriptError extends AppError {
  constructor(
    readonly reason: 'missing' | 'timeout' | 'exit' | 'no_json',
    message: string,
  ) {
    super(`bench_script_${reason}`, message, 'unavailable');
  }
}

/** A measurement could not be taken (a round produced no operations, a check of the result failed). */
export class MeasurementError extends AppError {
  constructor(message: string) {
    super('bench_measurement', message, 'validation');
  }
}

/** A results file or command-line argument is not what the harness expects. */
export class BenchInputError extends AppError {
  constructor(message: string) {
    super('bench_input', message, 'validation');
  }
}
