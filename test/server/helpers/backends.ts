/**
 * The storage backends every key-service scenario runs against (the same suite runs on both, as
 * docs/operations.md supports both): SQLite in a fresh temp dir, and PostgreSQL in a fresh database on the
 * server named by TEST_DATABASE_URL (scripts/with-services.sh starts one). Without that variable the
 * PostgreSQL tests fail with a clear message, unless SEED_NO_POSTGRES=1, which reports them skipped under a
 * name saying why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';

export type BackendName = 'sqlite' | 'postgres';

export interface BackendStore {
  readonly dataDir: string;
  readonly databaseUrl?: string;
  /** Removes the temp dir (the throw-away PostgreSQL cluster is removed by with-services.sh). */
  cleanup(): void;
}

/** A fresh, empty PostgreSQL database; its URL. */
export async function freshPostgresDatabase(): Promise<string> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error('TEST_DATABASE_URL is not set: run the tests through scripts/with-services.sh, or set SEED_NO_POSTGRES=1 to skip PostgreSQL');
  }
  const name = `ks_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function freshStore(backend: BackendName): Promise<BackendStore> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `ks-${backend}-`));
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  if (backend === 'sqlite') return { dataDir, cleanup };
  return { dataDir, databaseUrl: await freshPostgresDatabase(), cleanup };
}

/** `describe` once per backend; PostgreSQL is skipped (and says so) only with SEED_NO_POSTGRES=1. */
export function describeBackends(title: string, body: (backend: BackendName) => void): void {
  describe(`${title} [sqlite]`, () => body('sqlite'));
  if (process.env.SEED_NO_POSTGRES === '1') {
    describe.skip(`${title} [postgres] (skipped: SEED_NO_POSTGRES=1)`, () => body('postgres'));
  } else {
    describe(`${title} [postgres]`, () => body('postgres'));
  }
}
