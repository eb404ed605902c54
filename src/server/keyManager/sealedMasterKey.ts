/**
 * The key manager's master key held only as KMS ciphertext (issue [custody]; docs/broadcast.md §4,
 * docs/operations.md "KMS"): `<dataDir>/master.key.kms` holds a data key the KMS generated (context
 * {purpose: seed-server-secret, name: key_manager_master}); it is decrypted into memory at start and never
 * written in clear. A clear `master.key` of an older release is sealed at the first start and deleted, so
 * every stored channel key still opens.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KmsDecryptError, type Kms } from '../kms/kms';
import { KeyManagerStateError } from './errors';
import { MASTER_KEY_FILE } from './masterKey';

export const SEALED_MASTER_KEY_FILE = 'master.key.kms';
const CONTEXT = { purpose: 'seed-server-secret', name: 'key_manager_master' };

/** The master key's 32 bytes, unsealed by `kms` (created, or moved from a clear file, on first use). */
export async function loadSealedMasterKey(dataDir: string, kms: Kms): Promise<Uint8Array> {
  mkdirSync(dataDir, { recursive: true });
  const sealedFile = path.join(dataDir, SEALED_MASTER_KEY_FILE);
  const clearFile = path.join(dataDir, MASTER_KEY_FILE);
  if (!existsSync(sealedFile)) {
    let sealed: Uint8Array;
    if (existsSync(clearFile)) {
      const clear = readFileSync(clearFile);
      if (clear.length !== 32) throw new KeyManagerStateError(`${clearFile} must hold exactly 32 bytes`);
      sealed = await kms.encrypt(clear, CONTEXT);
    } else {
      sealed = (await kms.generateDataKey(CONTEXT)).ciphertext;
    }
    try {
      writeFileSync(sealedFile, sealed, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process sealed first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  let key: Uint8Array;
  try {
    key = await kms.decrypt(readFileSync(sealedFile), CONTEXT);
  } catch (err) {
    if (err instanceof KmsDecryptError)
      throw new KeyManagerStateError(`${sealedFile} was sealed under another KMS key: start the key manager with the same KMS key`);
    throw err;
  }
  if (key.length !== 32) throw new KeyManagerStateError(`${sealedFile} does not hold a 32-byte key`);
  // Sealed and opened: the clear file of an older release goes.
  if (existsSync(clearFile)) rmSync(clearFile);
  return key;
}
