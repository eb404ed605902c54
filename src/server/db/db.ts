/**
 * The storage driver interface of the key service (docs/operations.md): one small SQL surface that both
 * drivers implement — better-sqlite3 (db/sqlite.ts) and PostgreSQL via `pg` (db/postgres.ts). Stores
 * (src/server/store) write portable SQL with `?` placeholders once; each driver adapts it. Every write
 * runs inside `transaction`, and `lockRow` is how a transaction serializes on one conversation.
 */
export type Dialect = 'sqlite' | 'postgres';

export type SqlValue = string | number | null | Uint8Array;
export type Row = object;

/** What a store may do: read and write rows. */
export interface Queryable {
  readonly dialect: Dialect;
  all<T extends Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  one<T extends Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

/** A database: reads outside transactions see only committed data. */
export interface Database extends Queryable {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** ` FOR UPDATE` on PostgreSQL; SQLite serializes every write transaction already. */
export function forUpdate(q: Queryable): string {
  return q.dialect === 'postgres' ? ' FOR UPDATE' : '';
}
