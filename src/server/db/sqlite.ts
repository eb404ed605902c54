/**
 * SQLite driver (docs/operations.md, "One instance on SQLite"): one better-sqlite3 file under the data
 * directory in WAL mode, with a writer connection that serves one transaction at a time (BEGIN
 * IMMEDIATE, queued by a mutex) and a separate reader connection, so reads never see a transaction's
 * uncommitted rows and stay fast while a write is in flight.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { Database, Queryable, Row, SqlValue } from './db';
import { UniqueViolation } from './dbErrors';
import { Mutex } from './mutex';

type Connection = BetterSqlite3.Database;

function bind(params: readonly SqlValue[]): unknown[] {
  return params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p) : p));
}

function translate(err: unknown): unknown {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string' && /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/.test(err.code)) {
    return new UniqueViolation(err.message);
  }
  return err;
}

function queryable(conn: Connection): Queryable {
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string): BetterSqlite3.Statement => {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = conn.prepare(sql);
      statements.set(sql, stmt);
    }
    return stmt;
  };
  return {
    dialect: 'sqlite',
    async all<T extends Row>(sql: string, params: readonly SqlValue[] = []) {
      return prepare(sql).all(...bind(params)) as T[];
    },
    async one<T extends Row>(sql: string, params: readonly SqlValue[] = []) {
      return prepare(sql).get(...bind(params)) as T | undefined;
    },
    async run(sql: string, params: readonly SqlValue[] = []) {
      try {
        return prepare(sql).run(...bind(params)).changes;
      } catch (err) {
        throw translate(err);
      }
    },
  };
}

/** Opens (creating if needed) the SQLite database file at `file`. */
export function openSqlite(file: string): Database {
  const writerConn = new BetterSqlite3(file);
  writerConn.pragma('journal_mode = WAL');
  writerConn.pragma('synchronous = NORMAL');
  writerConn.pragma('foreign_keys = ON');
  writerConn.pragma('busy_timeout = 5000');
  const readerConn = new BetterSqlite3(file, { readonly: true });
  readerConn.pragma('busy_timeout = 5000');
  const writer = queryable(writerConn);
  const reader = queryable(readerConn);
  const mutex = new Mutex();

  const transaction = <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> =>
    mutex.run(async () => {
      writerConn.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(writer);
        writerConn.exec('COMMIT');
        return result;
      } catch (err) {
        if (writerConn.inTransaction) writerConn.exec('ROLLBACK');
        throw translate(err);
      }
    });

  return {
    dialect: 'sqlite',
    all: (sql, params) => reader.all(sql, params),
    one: (sql, params) => reader.one(sql, params),
    run: (sql, params) => transaction((tx) => tx.run(sql, params)),
    transaction,
    async close() {
      await mutex.run(async () => {
        readerConn.close();
        writerConn.close();
      });
    },
  };
}
