/**
 * The HS256 secret for access tokens (docs/operations.md, "Key material that exists server-side"):
 * given explicitly, or created once and kept in the database's server_secrets table so that
 * every instance sharing a PostgreSQL database verifies every other instance's tokens.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../db/db';

const NAME = 'jwt_hs256';

export async function loadJwtSecret(db: Database, now: number): Promise<Uint8Array> {
  const value = await db.transaction(async (tx) => {
    await tx.run('INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', [
      NAME,
      randomBytes(32).toString('base64url'),
      now,
    ]);
    return tx.one<{ value: string }>('SELECT value FROM server_secrets WHERE name = ?', [NAME]);
  });
  if (!value) throw new Error('could not load the token signing secret');
  return Buffer.from(value.value, 'base64url');
}
