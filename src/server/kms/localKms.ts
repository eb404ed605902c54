/**
 * The embedded software KMS (the default; docs/operations.md "KMS"): a 32-byte master key in a file of its
 * own (mode 0600, created on first use), never in the database. Ciphertext =
 *   "lkms1" ‖ keyFingerprint(8) ‖ nonce(12) ‖ AES-256-GCM(master, nonce, plaintext, aad) ‖ tag(16),
 *   aad = tuple("seed-local-kms-v1", keyFingerprint, name1, value1, …) over the context sorted by name,
 *   keyFingerprint = SHA-256("seed-local-kms-key" ‖ master)[0..8).
 * The key's state (enabled/disabled) sits beside it in `<file>.state`, so an operator can disable it as
 * with a cloud KMS (`kms_key_disabled`). It protects a copied database, not a copied host: the key is a
 * file there. Instances sharing one PostgreSQL database must share this file, or use AWS KMS.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { concatBytes, tuple } from '../../common/encoding/bytes';
import {
  checkContext,
  checkPlaintext,
  KmsConfigError,
  KmsDecryptError,
  KmsKeyDisabledError,
  type Kms,
  type KmsContext,
  type KmsKeyInfo,
  type KmsKeyState,
} from './kms';

const MAGIC = Buffer.from('lkms1');
const LABEL = 'seed-local-kms-v1';
const OVERHEAD = MAGIC.length + 8 + 12 + 16;

export class LocalKms implements Kms {
  readonly kind = 'local' as const;
  private readonly fingerprint: Buffer;

  private constructor(
    private readonly key: Buffer,
    private readonly stateFile: string,
  ) {
    this.fingerprint = createHash('sha256').update('seed-local-kms-key').update(key).digest().subarray(0, 8);
  }

  /** Opens the master key in `file`, creating it (0600) when missing. */
  static open(file: string): LocalKms {
    if (!existsSync(file)) {
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
      } catch (err) {
        // Another instance created it first: use theirs.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new KmsConfigError(`cannot create the KMS master key file ${file}`);
      }
    }
    const key = readFileSync(file);
    if (key.length !== 32) throw new KmsConfigError(`${file} must hold exactly 32 bytes`);
    return new LocalKms(key, `${file}.state`);
  }

  private state(): KmsKeyState {
    if (!existsSync(this.stateFile)) return 'enabled';
    const text = readFileSync(this.stateFile, 'utf8').trim();
    return text === 'disabled' ? 'disabled' : text === 'pending_deletion' ? 'pending_deletion' : 'enabled';
  }

  /** The operator's switch (`npm run server -- admin kms disable|enable` in a later slice; tests use it directly). */
  setState(state: KmsKeyState): void {
    writeFileSync(this.stateFile, state, { mode: 0o600 });
  }

  private enabled(): void {
    const state = this.state();
    if (state !== 'enabled') throw new KmsKeyDisabledError(`the local KMS key is ${state.replace('_', ' ')}`);
  }

  private aad(context: KmsContext): Uint8Array {
    return tuple(LABEL, this.fingerprint, ...checkContext(context).flat());
  }

  async describe(): Promise<KmsKeyInfo> {
    return { kind: 'local', keyId: `local:${this.fingerprint.toString('hex')}`, state: this.state() };
  }

  async generateDataKey(context: KmsContext): Promise<{ plaintext: Uint8Array; ciphertext: Uint8Array }> {
    const plaintext = new Uint8Array(randomBytes(32));
    return { plaintext, ciphertext: await this.encrypt(plaintext, context) };
  }

  async encrypt(plaintext: Uint8Array, context: KmsContext): Promise<Uint8Array> {
    checkPlaintext(plaintext);
    const aad = this.aad(context);
    this.enabled();
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(aad);
    return new Uint8Array(Buffer.concat([MAGIC, this.fingerprint, nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]));
  }

  async decrypt(ciphertext: Uint8Array, context: KmsContext): Promise<Uint8Array> {
    const aad = this.aad(context);
    this.enabled();
    const buf = Buffer.from(ciphertext);
    if (buf.length <= OVERHEAD || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new KmsDecryptError('not a local KMS ciphertext');
    if (!buf.subarray(MAGIC.length, MAGIC.length + 8).equals(this.fingerprint))
      throw new KmsDecryptError('the ciphertext was made under another local KMS key');
    const at = MAGIC.length + 8;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, buf.subarray(at, at + 12));
      decipher.setAAD(aad);
      decipher.setAuthTag(buf.subarray(buf.length - 16));
      return new Uint8Array(concatBytes(decipher.update(buf.subarray(at + 12, buf.length - 16)), decipher.final()));
    } catch {
      throw new KmsDecryptError('the ciphertext does not decrypt with this encryption context');
    }
  }
}
