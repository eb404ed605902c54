/**
 * The app's logger (docs/deployment.md §4): levels error, warn, info, debug, filtered by the
 * managed `logLevel` setting read from the policy holder on every call, so a policy reload applies at
 * once. A record is one JSON line — `{"time","level","event",…fields,"error":{code,message}}` — built
 * only from an event name and whitelisted fields (fields.ts). Logging never throws into its caller.
 */
import { logLevelEnabled } from '../../common/policy/enforce';
import type { LogLevel } from '../../common/policy/values';
import type { PolicyHolder } from '../services/policyHolder';
import { cleanEventName, cleanFields, errorSummary, type LogFields } from './fields';

export type { LogFields, LogValue } from './fields';

export interface Logger {
  error(event: string, fields?: LogFields, error?: unknown): void;
  warn(event: string, fields?: LogFields, error?: unknown): void;
  info(event: string, fields?: LogFields): void;
  debug(event: string, fields?: LogFields): void;
  close(): void;
}

/** Where finished lines go (a rotating file, the console). */
export interface LogSink {
  write(line: string): void;
  close(): void;
}

export interface LoggerOptions {
  policy: Pick<PolicyHolder, 'current'>;
  sink: LogSink;
  now?: () => Date;
}

export function createLogger(opts: LoggerOptions): Logger {
  const now = opts.now ?? (() => new Date());
  const record = (level: LogLevel, event: string, fields: LogFields = {}, error?: unknown): void => {
    try {
      if (!logLevelEnabled(opts.policy.current(), level)) return;
      const cleaned = cleanFields(fields);
      const line: Record<string, unknown> = { time: now().toISOString(), level, event: cleanEventName(event), ...cleaned.fields };
      if (cleaned.dropped > 0) line['dropped'] = cleaned.dropped;
      if (error !== undefined) line['error'] = errorSummary(error);
      opts.sink.write(`${JSON.stringify(line)}\n`);
    } catch {
      // A logger that throws would turn a log call into a crash; the record is lost instead.
    }
  };
  return {
    error: (event, fields, error) => record('error', event, fields, error),
    warn: (event, fields, error) => record('warn', event, fields, error),
    info: (event, fields) => record('info', event, fields),
    debug: (event, fields) => record('debug', event, fields),
    close: () => opts.sink.close(),
  };
}

/** The fallback: the same JSON lines on stderr, for when no log folder is available. */
export function createConsoleLogger(opts: { policy: Pick<PolicyHolder, 'current'> }): Logger {
  return createLogger({ policy: opts.policy, sink: consoleSink });
}

export const consoleSink: LogSink = {
  write: (line) => void process.stderr.write(line),
  close: () => undefined,
};
