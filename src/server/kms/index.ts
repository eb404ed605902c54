/**
 * Chooses the key service's KMS from its settings (docs/operations.md "KMS"): `SEED_KMS=aws` with
 * KMS_KEY_ID, AWS_REGION and optionally KMS_ENDPOINT (credentials from the SDK's default chain), else the
 * embedded local KMS with its master key in `<dataDir>/kms-master.key` (or KMS_MASTER_KEY_FILE, which
 * instances sharing one PostgreSQL database must point at the same file).
 */
import path from 'node:path';
import { AwsKms } from './awsKms';
import { KmsConfigError, type Kms } from './kms';
import { LocalKms } from './localKms';

export { AwsKms } from './awsKms';
export { LocalKms } from './localKms';
export * from './kms';

export const LOCAL_KMS_FILE = 'kms-master.key';

export function kmsFromEnv(env: NodeJS.ProcessEnv, dataDir: string): Kms {
  const kind = env['SEED_KMS'] ?? 'local';
  if (kind === 'local') return LocalKms.open(env['KMS_MASTER_KEY_FILE'] ?? path.join(dataDir, LOCAL_KMS_FILE));
  if (kind === 'aws') {
    return new AwsKms({
      keyId: env['KMS_KEY_ID'] ?? '',
      region: env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? '',
      ...(env['KMS_ENDPOINT'] ? { endpoint: env['KMS_ENDPOINT'] } : {}),
    });
  }
  throw new KmsConfigError(`SEED_KMS must be local or aws, got ${JSON.stringify(kind)}`);
}
