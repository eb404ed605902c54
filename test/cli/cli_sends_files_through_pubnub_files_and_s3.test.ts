/**
 * Scenario (docs/client.md "CLI", "Files"): the CLI's file store chosen on its command line or environment.
 * Alice sends Bob a file through PubNub Files on the relay (`--files-store pubnub`, the default with a server:
 * the conversation's channel, with each profile's own token) and through an S3 bucket on moto's real server
 * (`$SEED_FILES_STORE=s3` and `$SEED_S3_*`, credentials from the AWS SDK chain); Bob saves each byte for byte.
 * `--files-store s3` without a bucket does not stop the CLI: text still sends, and `send-file` exits with
 * `attachment_store_misconfigured` and the option to fix.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../client/harness';
import { json, useCliWorld } from './cliWorld';

const { cli } = useCliWorld('seed-cli-stores-');
const work = mkdtempSync(join(tmpdir(), 'seed-cli-stores-work-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MOTO = process.env['TEST_MOTO_URL'];
const region = 'us-east-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

async function pair(env: Record<string, string>, label: string) {
  const stamp = `${label}${Date.now() % 100000}`;
  const [a, b] = [`a-${stamp}`, `b-${stamp}`];
  json(await cli(a, ['--json', 'register', uniqueName('alice')], { env }));
  const bob = uniqueName('bob');
  json(await cli(b, ['--json', 'register', bob], { env }));
  const dm = json<{ conversationId: string }>(await cli(a, ['--json', 'create', bob], { env }));
  return { a, b, dm: dm.conversationId };
}

async function exchange(env: Record<string, string>, label: string) {
  const { a, b, dm } = await pair(env, label);
  const bytes = randomBytes(120_000);
  const path = join(work, `${label}.bin`);
  writeFileSync(path, bytes);
  const sent = json<{ id: string; size: number; parts: number }>(await cli(a, ['--json', 'send-file', dm, path], { env }));
  expect(sent).toMatchObject({ size: 120_000, parts: 1 });
  const out = join(work, `${label}-bob.bin`);
  const fetched = await cli(b, ['fetch-file', dm, sent.id, out], { env });
  expect(fetched.code, fetched.stderr).toBe(0);
  expect(readFileSync(out).equals(bytes)).toBe(true);
}

describe('cli sends files through PubNub Files and an S3 bucket', { timeout: 480_000 }, () => {
  it('--files-store pubnub: the relay’s Files on the conversation channel', async () => {
    await exchange({ SEED_FILES_STORE: 'pubnub' }, 'pubnub');
  });

  it('SEED_FILES_STORE=s3: a bucket on moto, credentials from the AWS SDK chain', async () => {
    if (!MOTO) throw new Error('TEST_MOTO_URL is not set: run through scripts/with-services.sh (moto_server)');
    const bucket = `seed-cli-files-${process.pid}`;
    const s3 = new S3Client({ region, endpoint: MOTO, credentials, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const env = {
      SEED_FILES_STORE: 's3',
      SEED_S3_BUCKET: bucket,
      SEED_S3_REGION: region,
      SEED_S3_ENDPOINT: MOTO,
      SEED_S3_PATH_STYLE: '1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    };
    await exchange(env, 's3');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([expect.stringMatching(/^[A-Za-z0-9_-]{43}$/)]);
  });

  it('--files-store s3 without a bucket: text still goes, send-file says what to fix', async () => {
    const env = { SEED_FILES_STORE: 's3', SEED_S3_REGION: region };
    const { a, dm } = await pair(env, 'bad');
    expect((await cli(a, ['send', dm, 'text still works'], { env })).code).toBe(0);
    const path = join(work, 'never.bin');
    writeFileSync(path, 'never stored');
    const refused = await cli(a, ['send-file', dm, path], { env });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/^error attachment_store_misconfigured: Files cannot be sent or opened: --files-store is s3 but --s3-bucket is not set/);
  });
});
