/**
 * The key service's KMS interface (issue [custody]; docs/operations.md "KMS"): a master key the service can
 * use but never read — generate a data key, encrypt and decrypt small secrets under it, each bound to an
 * encryption context (authenticated, not secret: what the ciphertext is for). Two adapters pass one contract
 * suite (test/server/kms_contract.test.ts): `LocalKms` (the embedded default: a master key file, 0600) and
 * `AwsKms` (`@aws-sdk/client-kms`; tested against moto's KMS). Every failure is a typed `KmsError`.
 */
import { AppError } from '../../common/errors';
import type { ErrorCategory } from '../../common/errorCategory';

/** What a ciphertext is for: names and values of 1–128 printable ASCII characters, at most 8 pairs. */
export type KmsContext = Readonly<Record<string, string>>;

export type KmsKeyState = 'enabled' | 'disabled' | 'pending_deletion';

export interface KmsKeyInfo {
  /** The adapter: `local` or `aws`. */
  readonly kind: 'local' | 'aws';
  /** The key's id as the KMS names it (an AWS key ARN or id; `local:<fingerprint>` for the local KMS). */
  readonly keyId: string;
  readonly state: KmsKeyState;
}

export interface Kms {
  readonly kind: 'local' | 'aws';
  /** The key's id and state, asked from the KMS now. */
  describe(): Promise<KmsKeyInfo>;
  /** A fresh 32-byte data key, in clear and encrypted under the master key (to store). */
  generateDataKey(context: KmsContext): Promise<{ plaintext: Uint8Array; ciphertext: Uint8Array }>;
  /** Encrypts up to 4,096 bytes under the master key. */
  encrypt(plaintext: Uint8Array, context: KmsContext): Promise<Uint8Array>;
  /** Decrypts what `encrypt` or `generateDataKey` made under this key with the same context. */
  decrypt(ciphertext: Uint8Array, context: KmsContext): Promise<Uint8Array>;
}

/** Largest plaintext `encrypt` takes (AWS KMS's own bound). */
export const KMS_MAX_PLAINTEXT = 4096;

export class KmsError extends AppError {
  constructor(code: string, message: string, category: ErrorCategory) {
    super(code, message, category);
  }
}

/** The KMS could not be reached or did not answer usably. */
export class KmsUnavailableError extends KmsError {
  constructor(message: string) {
    super('kms_unavailable', message, 'unavailable');
  }
}

/** The master key is disabled or scheduled for deletion: nothing is encrypted or decrypted under it. */
export class KmsKeyDisabledError extends KmsError {
  constructor(message: string) {
    super('kms_key_disabled', message, 'unavailable');
  }
}

/** The ciphertext does not decrypt under this key with this context (another key, another context, altered). */
export class KmsDecryptError extends KmsError {
  constructor(message: string) {
    super('kms_decrypt_failed', message, 'crypto');
  }
}

/** The KMS settings or an argument are not usable (no key id, a context or plaintext out of bounds). */
export class KmsConfigError extends KmsError {
  constructor(message: string) {
    super('kms_config', message, 'validation');
  }
}

const CONTEXT_TEXT = /^[\x21-\x7e]{1,128}$/;

/** Checks a context's shape; the same rules for both adapters, so a context valid on one is valid on the other. */
export function checkContext(context: KmsContext): [string, string][] {
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0 || entries.length > 8) throw new KmsConfigError('an encryption context has 1 to 8 entries');
  for (const [name, value] of entries) {
    if (!CONTEXT_TEXT.test(name) || !CONTEXT_TEXT.test(value))
      throw new KmsConfigError('encryption context names and values are 1-128 printable ASCII characters');
  }
  return entries;
}

export function checkPlaintext(plaintext: Uint8Array): void {
  if (!(plaintext instanceof Uint8Array) || plaintext.length === 0 || plaintext.length > KMS_MAX_PLAINTEXT)
    throw new KmsConfigError(`a KMS plaintext is 1 to ${KMS_MAX_PLAINTEXT} bytes`);
}
