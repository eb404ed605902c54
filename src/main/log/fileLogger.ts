/**
 * The log file of one app profile (docs/deployment.md §4): `seed-messenger.log` (or
 * `seed-messenger.<profile>.log` for a named profile) in the logs folder — Electron's
 * `app.getPath('logs')`, or `<profile dir>/logs` in browser mode and the CLI — capped at 1 MiB with two
 * rotated files, owner-only, with the level taken from the managed `logLevel` on every call.
 */
import { AppError } from '../../common/errors';
import type { PolicyHolder } from '../services/policyHolder';
import { consoleSink, createLogger, type Logger, type LogSink } from './logger';
import { createRotatingFileSink } from './rotatingFile';

export const LOG_MAX_BYTES = 1024 * 1024;
export const LOG_KEEP = 2;

export interface FileLoggerOptions {
  dir: string;
  policy: Pick<PolicyHolder, 'current'>;
  /** The profile whose log this is (`default` writes `seed-messenger.log`). */
  profile?: string;
  maxBytes?: number;
  keep?: number;
  /** Where lines go if the file cannot be written (stderr by default). */
  fallback?: LogSink;
}

export class LogConfigError extends AppError {
  constructor(detail: string) {
    super('log_config_invalid', `invalid log configuration: ${detail}`, 'validation');
  }
}

/** Base name of a profile's log file, without `.log`. */
export function logFileBaseName(profile = 'default'): string {
  if (!/^[a-z0-9-]{1,32}$/.test(profile)) throw new LogConfigError('profile must be 1-32 of a-z, 0-9, -');
  return profile === 'default' ? 'seed-messenger' : `seed-messenger.${profile}`;
}

/** Throws `LogConfigError` for a bad profile name, size or rotation count; never throws when logging. */
export function createFileLogger(opts: FileLoggerOptions): Logger {
  const maxBytes = opts.maxBytes ?? LOG_MAX_BYTES;
  const keep = opts.keep ?? LOG_KEEP;
  if (!Number.isInteger(maxBytes) || maxBytes < 1024 || maxBytes > 64 * 1024 * 1024) throw new LogConfigError('maxBytes must be 1 KiB to 64 MiB');
  if (!Number.isInteger(keep) || keep < 0 || keep > 9) throw new LogConfigError('keep must be 0 to 9 rotated files');
  if (opts.dir.trim() === '') throw new LogConfigError('no log folder');
  const sink = createRotatingFileSink({ dir: opts.dir, name: logFileBaseName(opts.profile), maxBytes, keep, fallback: opts.fallback ?? consoleSink });
  return createLogger({ policy: opts.policy, sink });
}
