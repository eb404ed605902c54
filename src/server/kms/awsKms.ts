/**
 * AWS KMS through `@aws-sdk/client-kms` (docs/operations.md "KMS", with the IAM policy an operator needs:
 * kms:DescribeKey, kms:GenerateDataKey, kms:Encrypt, kms:Decrypt on the one key). The encryption context
 * travels as KMS's own `EncryptionContext` (authenticated by KMS, logged in CloudTrail). Tested against
 * moto's KMS (`moto_server`, started by scripts/with-services.sh).
 *
 * Where moto differs from real KMS: moto still decrypts under a DISABLED key (real KMS answers
 * `DisabledException`). This adapter does not rely on either: before each use it asks the key's state
 * (DescribeKey, cached for `stateTtlMs`) and refuses a key that is not enabled with `kms_key_disabled` —
 * the real behaviour, on both. The contract suite's "a disabled key" case runs through that check.
 */
import { DecryptCommand, DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import {
  checkContext,
  checkPlaintext,
  KmsConfigError,
  KmsDecryptError,
  KmsKeyDisabledError,
  KmsUnavailableError,
  type Kms,
  type KmsContext,
  type KmsKeyInfo,
  type KmsKeyState,
} from './kms';

export interface AwsKmsOptions {
  /** The key's id, ARN or alias (`alias/...`). */
  readonly keyId: string;
  readonly region: string;
  /** A KMS endpoint other than AWS's (a VPC endpoint; moto in tests). */
  readonly endpoint?: string;
  /** Static credentials (tests); otherwise the SDK's default chain (environment, instance role, …). */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  /** How long a key state read is used before it is asked again (ms; default 30 s, 0 asks every time). */
  readonly stateTtlMs?: number;
  readonly now?: () => number;
}

const STATES: Record<string, KmsKeyState> = { Enabled: 'enabled', Disabled: 'disabled', PendingDeletion: 'pending_deletion' };

export class AwsKms implements Kms {
  readonly kind = 'aws' as const;
  private readonly client: KMSClient;
  private known: { info: KmsKeyInfo; at: number } | undefined;

  constructor(private readonly opts: AwsKmsOptions) {
    if (opts.keyId.trim() === '') throw new KmsConfigError('AWS KMS needs a key id (KMS_KEY_ID)');
    if (opts.region.trim() === '') throw new KmsConfigError('AWS KMS needs a region (AWS_REGION)');
    const config: KMSClientConfig = {
      region: opts.region,
      maxAttempts: 3,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
    };
    this.client = new KMSClient(config);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  async describe(): Promise<KmsKeyInfo> {
    const out = await this.send(() => this.client.send(new DescribeKeyCommand({ KeyId: this.opts.keyId })));
    const meta = out.KeyMetadata;
    if (meta?.KeyId === undefined) throw new KmsUnavailableError('AWS KMS answered DescribeKey without key metadata');
    const info: KmsKeyInfo = { kind: 'aws', keyId: meta.Arn ?? meta.KeyId, state: STATES[meta.KeyState ?? ''] ?? (meta.Enabled ? 'enabled' : 'disabled') };
    this.known = { info, at: this.now() };
    return info;
  }

  private async enabled(): Promise<void> {
    const ttl = this.opts.stateTtlMs ?? 30_000;
    const info = this.known !== undefined && this.now() - this.known.at < ttl ? this.known.info : await this.describe();
    if (info.state !== 'enabled') throw new KmsKeyDisabledError(`the AWS KMS key is ${info.state.replace('_', ' ')}`);
  }

  async generateDataKey(context: KmsContext): Promise<{ plaintext: Uint8Array; ciphertext: Uint8Array }> {
    const EncryptionContext = Object.fromEntries(checkContext(context));
    await this.enabled();
    const out = await this.send(() => this.client.send(new GenerateDataKeyCommand({ KeyId: this.opts.keyId, KeySpec: 'AES_256', EncryptionContext })));
    if (out.Plaintext?.length !== 32 || out.CiphertextBlob === undefined)
      throw new KmsUnavailableError('AWS KMS answered GenerateDataKey without a 32-byte key');
    return { plaintext: out.Plaintext, ciphertext: out.CiphertextBlob };
  }

  async encrypt(plaintext: Uint8Array, context: KmsContext): Promise<Uint8Array> {
    checkPlaintext(plaintext);
    const EncryptionContext = Object.fromEntries(checkContext(context));
    await this.enabled();
    const out = await this.send(() => this.client.send(new EncryptCommand({ KeyId: this.opts.keyId, Plaintext: plaintext, EncryptionContext })));
    if (out.CiphertextBlob === undefined) throw new KmsUnavailableError('AWS KMS answered Encrypt without a ciphertext');
    return out.CiphertextBlob;
  }

  async decrypt(ciphertext: Uint8Array, context: KmsContext): Promise<Uint8Array> {
    const EncryptionContext = Object.fromEntries(checkContext(context));
    if (!(ciphertext instanceof Uint8Array) || ciphertext.length === 0 || ciphertext.length > 6144) throw new KmsDecryptError('not a KMS ciphertext');
    await this.enabled();
    // KeyId pins the key: a ciphertext of another key in the account is refused, not silently used.
    // Access denied on Decrypt, with the key just described: the ciphertext is another key's (real KMS answers
    // IncorrectKeyException there, or AccessDenied when IAM allows only this key; moto answers AccessDenied).
    const out = await this.send(
      () => this.client.send(new DecryptCommand({ KeyId: this.opts.keyId, CiphertextBlob: ciphertext, EncryptionContext })),
      'decrypt',
    );
    if (out.Plaintext === undefined) throw new KmsUnavailableError('AWS KMS answered Decrypt without a plaintext');
    return out.Plaintext;
  }

  /** Maps the SDK's failures to the typed KMS errors (codes to the log; no secret in a message). */
  private async send<T>(call: () => Promise<T>, op?: 'decrypt'): Promise<T> {
    try {
      return await call();
    } catch (err) {
      const name = (err as { name?: unknown }).name;
      if (name === 'DisabledException' || name === 'KMSInvalidStateException') throw new KmsKeyDisabledError(`AWS KMS refused: ${String(name)}`);
      if (name === 'InvalidCiphertextException' || name === 'IncorrectKeyException' || name === 'InvalidKeyUsageException')
        throw new KmsDecryptError(`AWS KMS refused the ciphertext: ${String(name)}`);
      if (name === 'NotFoundException') throw new KmsConfigError(`AWS KMS has no key ${this.opts.keyId}`);
      if (name === 'AccessDeniedException' && op === 'decrypt') throw new KmsDecryptError('AWS KMS refused the ciphertext: it was not made under this key');
      if (name === 'AccessDeniedException') throw new KmsConfigError('AWS KMS denied the key service access to its key (check the IAM policy)');
      throw new KmsUnavailableError(`AWS KMS did not answer usably: ${typeof name === 'string' ? name : 'error'}`);
    }
  }
}
