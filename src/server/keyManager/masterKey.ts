/**
 * Encryption at rest of channel private keys (docs/broadcast.md §6): a 32-byte key-manager master key
 * in `<dataDir>/master.key` (mode 0600, created on first start) seals each private key with
 * AES-256-GCM, nonce random per record, aad = tuple("seed-km-at-rest-v1", channelId, I2OSP(version, 4)).
 * The master key itself is held as KMS ciphertext in `master.key.kms` (sealedMasterKey.ts); `loadOrCreate`
 * (a clear file) remains for a key manager opened without a KMS (tests of the store alone).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { concatBytes, i2osp, tuple } from '../../common/encoding/bytes';
import { KeyManagerStateError } from './errors';

export const MASTER_KEY_FILE = 'master.key';
const AT_REST_LABEL = 'seed-km-at-rest-v1';

function aad(channelId: string, version: number): Uint8Array {
  return concatBytes(tuple(AT_REST_LABEL, channelId), i2osp(version, 4));
}

export class MasterKey {
  private constructor(private readonly key: Buffer) {}

  /** Loads `<dataDir>/master.key`, creating it when missing. */
  static loadOrCreate(dataDir: string): MasterKey {
    const file = path.join(dataDir, MASTER_KEY_FILE);
    if (!existsSync(file)) writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
    const key = readFileSync(file);
    if (key.length !== 32) throw new KeyManagerStateError(`${file} must hold exactly 32 bytes`);
    return new MasterKey(key);
  }

  /** A master key held in memory (unsealed by the KMS: sealedMasterKey.ts). */
  static fromBytes(key: Uint8Array): MasterKey {
    if (key.length !== 32) throw new KeyManagerStateError('a key-manager master key is 32 bytes');
    return new MasterKey(Buffer.from(key));
  }

  /** nonce(12) ‖ ciphertext ‖ tag(16). */
  seal(channelId: string, version: number, privateKey: Uint8Array): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(aad(channelId, version));
    return Buffer.concat([nonce, cipher.update(privateKey), cipher.final(), cipher.getAuthTag()]);
  }

  open(channelId: string, version: number, sealed: Uint8Array): Uint8Array {
    const buf = Buffer.from(sealed);
    if (buf.length !== 12 + 32 + 16) throw new KeyManagerStateError(`stored key of ${channelId} v${version} has the wrong length`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, buf.subarray(0, 12));
      decipher.setAAD(aad(channelId, version));
      decipher.setAuthTag(buf.subarray(buf.length - 16));
      return new Uint8Array(Buffer.concat([decipher.update(buf.subarray(12, buf.length - 16)), decipher.final()]));
    } catch {
      throw new KeyManagerStateError(`stored key of ${channelId} v${version} does not open under this master key`);
    }
  }
}
