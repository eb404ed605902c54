/**
 * PostgreSQL driver, used when a database URL is given (docs/operations.md, "Several instances behind a
 * load balancer on PostgreSQL"): a `pg` Pool shared by every request of this instance; several instances
 * may share one database behind a load balancer. Portable `?` placeholders become `$n`, BIGINT columns come
 * back as numbers (they hold millisecond timestamps and counters, far below 2^53), and
 * constraint/serialization errors become typed errors.
 */
import pg from 'pg';
import type { Database, Queryable, Row, SqlValue } from './db';
import { SerializationFailure, UniqueViolation } from './dbErrors';

const INT8_OID = 20;

/** Rewrites `?` placeholders to `$1, $2, ...` (our SQL never has `?` inside string literals). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function translate(err: unknown): unknown {
  if (err instanceof Error && 'code' in err) {
    if (err.code === '23505') return new UniqueViolation(err.message);
    if (err.code === '40001' || err.code === '40P01') return new SerializationFailure(err.message);
  }
  return err;
}

interface Prepared {
  readonly name: string;
  readonly text: string;
}

/** Every distinct statement becomes a named prepared statement, parsed and planned once per connection. */
const prepared = new Map<string, Prepared>();
function statement(sql: string): Prepared {
  let out = prepared.get(sql);
  if (out === undefined) {
    out = { name: `ks${prepared.size}`, text: numberPlaceholders(sql) };
    prepared.set(sql, out);
  }
  return out;
}

interface PgClientLike {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<pg.QueryResult>;
}

function queryable(client: PgClientLike): Queryable {
  const exec = async (sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> => {
    const { name, text } = statement(sql);
    try {
      return await client.query(/^\s*(SELECT|INSERT|UPDATE|DELETE)/i.test(sql) ? { name, text, values: [...params] } : { text, values: [...params] });
    } catch (err) {
      throw translate(err);
    }
  };
  return {
    dialect: 'postgres',
    async all<T extends Row>(sql: string, params: readonly SqlValue[] = []) {
      return (await exec(sql, params)).rows as T[];
    },
    async one<T extends Row>(sql: string, params: readonly SqlValue[] = []) {
      return (await exec(sql, params)).rows[0] as T | undefined;
    },
    async run(sql: string, params: readonly SqlValue[] = []) {
      return (await exec(sql, params)).rowCount ?? 0;
    },
  };
}

/** Connects a pool to `url` (postgres://user@host:port/db). */
export function openPostgres(url: string, maxConnections = 10): Database {
  const types = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max: maxConnections, types });
  pool.on('error', () => undefined);
  const direct = queryable(pool);
  return {
    ...direct,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(queryable(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw translate(err);
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
