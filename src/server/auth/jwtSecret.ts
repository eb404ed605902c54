/**
 * The HS256 secret for access tokens (docs/operations.md, "Key material that exists server-side"):
 * given explicitly, or created once and kept in the database's server_secrets table — only as KMS
 * ciphertext (row `jwt_hs256.kms`, context {purpose: seed-server-secret, name: jwt_hs256}; issue
 * [custody]) — so that every instance sharing a PostgreSQL database and the same KMS key verifies every
 * other instance's tokens, and a copied database alone cannot forge a token. A clear row left by an older
 * release (`jwt_hs256`) is sealed at the first start and removed, keeping every issued token valid.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../common/errors';
import type { Database } from '../db/db';
import { KmsDecryptError, type Kms } from '../kms/kms';

const CLEAR = 'jwt_hs256';
const SEALED = 'jwt_hs256.kms';
const CONTEXT = { purpose: 'seed-server-secret', name: CLEAR };

/** The stored secret does not open under the configured KMS key (another key, another instance's local KMS). */
export class ServerSecretSealedElsewhereError extends AppError {
  constructor() {
    super(
      'server_secret_sealed_elsewhere',
      'the token signing secret in the database was sealed under another KMS key: give this instance the same KMS key (SEED_KMS/KMS_KEY_ID, or the same KMS_MASTER_KEY_FILE)',
      'unavailable',
    );
  }
}

export async function loadJwtSecret(db: Database, now: number, kms: Kms): Promise<Uint8Array> {
  const sealed = await db.one<{ value: string }>('SELECT value FROM server_secrets WHERE name = ?', [SEALED]);
  if (sealed) return open(kms, sealed.value);
  const clear = await db.one<{ value: string }>('SELECT value FROM server_secrets WHERE name = ?', [CLEAR]);
  const secret = clear ? Buffer.from(clear.value, 'base64url') : randomBytes(32);
  const value = Buffer.from(await kms.encrypt(secret, CONTEXT)).toString('base64url');
  const stored = await db.transaction(async (tx) => {
    await tx.run('INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', [SEALED, value, now]);
    await tx.run('DELETE FROM server_secrets WHERE name = ?', [CLEAR]);
    return tx.one<{ value: string }>('SELECT value FROM server_secrets WHERE name = ?', [SEALED]);
  });
  // Another instance may have sealed first: everyone uses the stored one.
  if (!stored) throw new AppError('server_secret_missing', 'could not store the token signing secret', 'unavailable');
  return stored.value === value ? new Uint8Array(secret) : open(kms, stored.value);
}

async function open(kms: Kms, value: string): Promise<Uint8Array> {
  try {
    return await kms.decrypt(Buffer.from(value, 'base64url'), CONTEXT);
  } catch (err) {
    if (err instanceof KmsDecryptError) throw new ServerSecretSealedElsewhereError();
    throw err;
  }
}
