/**
 * Choosing the attachment store (src/node/attachments/storeChoice.ts; docs/deployment.md §2 `attachmentStore`,
 * docs/client.md "CLI"): the defaults (a folder where one is offered, PubNub Files otherwise), and every
 * combination that cannot work refused as `attachment_store_misconfigured` with a sentence naming the setting —
 * never thrown at start-up, so the app still opens. The managed policy drops a malformed bucket, region or
 * endpoint with a warning; the command line refuses it as a usage error.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/args';
import { UsageError } from '../../src/cli/errors';
import { errorCategory } from '../../src/common/errorCodes';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { POLICY_DEFAULTS, type PolicyValues } from '../../src/common/policy/values';
import { S3AttachmentStore } from '../../src/node/attachments/s3Store';
import { attachmentStoreSetting, policyStoreSettings } from '../../src/node/attachments/storeChoice';
import { LocalAttachmentStore } from '../../src/node/attachments/store';

const folder = mkdtempSync(join(tmpdir(), 'seed-store-choice-'));
const onLocalStack = { localFolder: () => folder };
const withServer = {};
const policy = (values: Partial<PolicyValues>) => policyStoreSettings({ ...POLICY_DEFAULTS, ...values });
const s3 = { attachmentStore: 's3', attachmentS3Bucket: 'seed-files', attachmentS3Region: 'eu-central-1' } as const;

describe('choosing the attachment store', () => {
  it('defaults: the folder on the local stack, PubNub Files with a server', () => {
    const local = attachmentStoreSetting(policy({}), onLocalStack).setting;
    expect(local.kind === 'shared' && local.store).toBeInstanceOf(LocalAttachmentStore);
    expect(attachmentStoreSetting(policy({}), withServer).setting).toEqual({ kind: 'pubnub-files' });
    expect(attachmentStoreSetting(policy({ attachmentStore: 'pubnub' }), onLocalStack).setting).toEqual({ kind: 'pubnub-files' });
    const bucket = attachmentStoreSetting(policy(s3), withServer).setting;
    expect(bucket.kind === 'shared' && bucket.store).toBeInstanceOf(S3AttachmentStore);
  });

  it.each([
    [{ attachmentStore: 'local' }, withServer, "attachmentStore is local, which only the app's own local server can use"],
    [{ attachmentStore: 's3', attachmentS3Region: 'eu-central-1' }, withServer, 'attachmentStore is s3 but attachmentS3Bucket is not set'],
    [{ attachmentStore: 's3', attachmentS3Bucket: 'seed-files' }, onLocalStack, 'attachmentStore is s3 but attachmentS3Region is not set'],
    [{ attachmentS3Bucket: 'seed-files', attachmentS3Region: 'eu-central-1' }, withServer, 'S3 settings are given but attachmentStore is not s3'],
    [{ attachmentStore: 'pubnub', attachmentS3Endpoint: 'https://s3.example.com' }, withServer, 'S3 settings are given but attachmentStore is not s3'],
  ] as const)('%j is refused with a sentence, not thrown', (values, where, problem) => {
    const { setting } = attachmentStoreSetting(policy(values), where);
    expect(setting.kind).toBe('misconfigured');
    if (setting.kind !== 'misconfigured') return;
    expect(setting.error).toMatchObject({ code: 'attachment_store_misconfigured', name: 'AttachmentStoreError' });
    expect(setting.error.message).toBe(
      `Files cannot be sent or opened: ${problem} in the managed policy. Ask your administrator to correct it; everything else works.`,
    );
    expect(errorCategory(setting.error.code)).toBe('validation');
  });

  it('the managed policy drops a malformed bucket or an http endpoint with a warning, and the choice then says what is missing', () => {
    const merged = mergePolicyLayers({
      machine: { attachmentStore: 's3', attachmentS3Bucket: 'Not_A_Bucket', attachmentS3Region: 'eu-central-1', attachmentS3Endpoint: 'http://s3.example.com' },
    });
    expect(merged.values.attachmentS3Bucket).toBeNull();
    expect(merged.values.attachmentS3Endpoint).toBeNull();
    expect(merged.warnings.map((w) => w.key)).toEqual(expect.arrayContaining(['attachmentS3Bucket', 'attachmentS3Endpoint']));
    const { setting } = attachmentStoreSetting(policyStoreSettings(merged.values), withServer);
    expect(setting).toMatchObject({ kind: 'misconfigured', error: { message: expect.stringContaining('attachmentS3Bucket is not set') } });
  });

  it('the command line: --files-store and the --s3-* options (or their variables); malformed values are usage errors', () => {
    const env = { SEED_SERVER: 'http://127.0.0.1:1' };
    const args = parseCommandLine(
      ['--files-store', 's3', '--s3-bucket', 'seed-files', '--s3-region', 'us-east-1', '--s3-endpoint', 'http://127.0.0.1:5000', '--s3-path-style', 'whoami'],
      env,
    );
    expect(args.filesStore).toMatchObject({
      store: 's3',
      s3Bucket: 'seed-files',
      s3Region: 'us-east-1',
      s3Endpoint: 'http://127.0.0.1:5000',
      s3PathStyle: true,
    });
    const fromEnv = parseCommandLine(['whoami'], { ...env, SEED_FILES_STORE: 'pubnub' });
    expect(attachmentStoreSetting(fromEnv.filesStore, withServer).setting).toEqual({ kind: 'pubnub-files' });
    expect(() => parseCommandLine(['--files-store', 'ftp', 'whoami'], env)).toThrow(UsageError);
    expect(() => parseCommandLine(['--s3-bucket', 'Not_A_Bucket', 'whoami'], env)).toThrow(/--s3-bucket must be an S3 bucket name/);
    expect(() => parseCommandLine(['--s3-endpoint', 'http://s3.example.com', 'whoami'], env)).toThrow(UsageError);
    const local = attachmentStoreSetting(parseCommandLine(['--files-store', 'local', 'whoami'], env).filesStore, withServer).setting;
    expect(local).toMatchObject({ kind: 'misconfigured', error: { message: expect.stringContaining('--files-store local needs --files-dir') } });
  });
});
