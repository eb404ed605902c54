/**
 * Every KMS use of the custody tools is written to `kms_audit` (docs/operations.md "Key custody") before it
 * is made — who, which operation, under which key, for what, under which approved request — and its outcome
 * (`ok` or the error code) after, so a use that crashes half-way is still on record.
 */
import { AppError } from '../../common/errors';
import type { Database } from '../db/db';
import type { Kms, KmsContext } from '../kms/kms';
import { finishKmsAudit, insertKmsAudit } from './store';

export interface KmsUse {
  readonly actor: string;
  readonly purpose: string;
  readonly requestId?: string;
  readonly target?: string;
}

export class AuditedKms {
  constructor(
    private readonly kms: Kms,
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  get kind(): Kms['kind'] {
    return this.kms.kind;
  }

  async keyId(use: KmsUse): Promise<string> {
    return (await this.audited('describe', 'unknown', use, () => this.kms.describe())).keyId;
  }

  encrypt(keyId: string, plaintext: Uint8Array, context: KmsContext, use: KmsUse): Promise<Uint8Array> {
    return this.audited('encrypt', keyId, use, () => this.kms.encrypt(plaintext, context));
  }

  generateDataKey(keyId: string, context: KmsContext, use: KmsUse): Promise<{ plaintext: Uint8Array; ciphertext: Uint8Array }> {
    return this.audited('generate_data_key', keyId, use, () => this.kms.generateDataKey(context));
  }

  decrypt(keyId: string, ciphertext: Uint8Array, context: KmsContext, use: KmsUse): Promise<Uint8Array> {
    return this.audited('decrypt', keyId, use, () => this.kms.decrypt(ciphertext, context));
  }

  private async audited<T>(operation: string, keyId: string, use: KmsUse, call: () => Promise<T>): Promise<T> {
    const id = await this.db.transaction((tx) =>
      insertKmsAudit(tx, {
        at: this.now(),
        actor: use.actor,
        operation,
        key_id: keyId,
        purpose: use.purpose,
        request_id: use.requestId ?? null,
        target: use.target ?? null,
        outcome: 'started',
      }),
    );
    try {
      const out = await call();
      await finishKmsAudit(this.db, id, 'ok');
      return out;
    } catch (err) {
      await finishKmsAudit(this.db, id, err instanceof AppError ? err.code : 'error');
      throw err;
    }
  }
}
