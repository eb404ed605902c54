/**
 * The Chromium custody specs run the embedded stack's key service on AWS KMS — moto's real server
 * (`TEST_MOTO_URL`, started by scripts/with-services.sh) — instead of the local KMS: `useMotoKms()` makes a
 * fresh KMS key there and sets `SEED_KMS=aws` and its settings in this worker's environment (the stack
 * reads them when it starts, src/localStack/index.ts), and answers the same settings for the admin CLI.
 * `restore()` puts the environment back: Playwright may run the next spec file in this worker.
 */
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';

const REGION = 'eu-central-1';
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };

export interface MotoKms {
  /** The settings the key service and the admin CLI read (kmsFromEnv). */
  readonly env: Record<string, string>;
  readonly keyId: string;
  /** The key's ARN: what the key service records as the KMS key id of what it sealed. */
  readonly keyArn: string;
  restore(): void;
}

export async function useMotoKms(): Promise<MotoKms> {
  const endpoint = process.env['TEST_MOTO_URL'];
  if (!endpoint) throw new Error('TEST_MOTO_URL is not set: run through scripts/with-services.sh (moto_server)');
  const client = new KMSClient({ region: REGION, endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const key = (await client.send(new CreateKeyCommand({ Description: 'seed chromium custody spec' }))).KeyMetadata!;
  const keyId = key.KeyId!;
  client.destroy();
  const env = { SEED_KMS: 'aws', KMS_KEY_ID: keyId, KMS_ENDPOINT: endpoint, AWS_REGION: REGION, ...CREDENTIALS };
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return {
    env,
    keyId,
    keyArn: key.Arn!,
    restore() {
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}
