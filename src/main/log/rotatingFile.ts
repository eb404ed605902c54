/**
 * A size-capped, owner-only log file (docs/deployment.md §4): lines are appended to `<dir>/<name>.log`;
 * when the next line would take it past `maxBytes`, the file becomes `<name>.1.log`, an older `.1` becomes
 * `.2`, and so on up to `keep` rotated files (the oldest is dropped). The folder is created 0700 and the
 * file opened 0600 without following a symbolic link. Writes are synchronous and small, so a line is on
 * disk before the call returns (a crash right after still leaves it). If the file cannot be written, lines
 * go to the fallback sink instead and the app carries on.
 */
import { closeSync, constants, fchmodSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LogSink } from './logger';

export interface RotatingFileOptions {
  dir: string;
  /** Base name without extension, e.g. `seed-messenger`. */
  name: string;
  maxBytes: number;
  keep: number;
  fallback: LogSink;
}

const FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);

export function rotatedFileName(name: string, index: number): string {
  return index === 0 ? `${name}.log` : `${name}.${index}.log`;
}

export function createRotatingFileSink(opts: RotatingFileOptions): LogSink {
  const path = (i: number) => join(opts.dir, rotatedFileName(opts.name, i));
  let fd: number | null = null;
  let size = 0;
  let failed = false;

  const open = (): number => {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    const opened = openSync(path(0), FLAGS, 0o600);
    fchmodSync(opened, 0o600);
    size = fstatSync(opened).size;
    return opened;
  };

  const rotate = (): void => {
    if (fd !== null) closeSync(fd);
    fd = null;
    rmSync(path(opts.keep), { force: true });
    for (let i = opts.keep - 1; i >= 0; i -= 1) {
      try {
        renameSync(path(i), path(i + 1));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  };

  return {
    write(line) {
      if (failed) return opts.fallback.write(line);
      try {
        const bytes = Buffer.from(line, 'utf8');
        fd ??= open();
        if (size > 0 && size + bytes.length > opts.maxBytes) {
          rotate();
          fd = open();
        }
        writeSync(fd, bytes);
        size += bytes.length;
      } catch (e) {
        failed = true;
        const code = typeof (e as NodeJS.ErrnoException).code === 'string' ? (e as NodeJS.ErrnoException).code : 'unknown';
        opts.fallback.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', event: 'log_file_unavailable', error: { code } })}\n`);
        opts.fallback.write(line);
      }
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
