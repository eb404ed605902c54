/**
 * End-to-end file transfers for the `attachments` section (docs/benchmarks.md): a file encrypted as it streams
 * and uploaded part by part through a real store (`writeAttachment`), then downloaded, verified and decrypted
 * (`readAttachment`), timed, with the process's memory sampled every 10 ms — RSS and ArrayBuffers above what
 * they were just before, so the relay (its own process) and moto do not count, and every buffer the SDKs hold
 * does. Also the stores themselves: the relay's PubNub Files with an Access Manager token for the channel, and
 * a bucket on moto's S3 server.
 */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import PubNub from 'pubnub';
import type { AttachmentDescriptor } from '../../src/common/attachments/descriptor';
import { readAttachment, writeAttachment } from '../../src/node/attachments/attachmentFiles';
import { PubNubFilesStore } from '../../src/node/attachments/pubnubFilesStore';
import { S3AttachmentStore } from '../../src/node/attachments/s3Store';
import type { AttachmentStore } from '../../src/node/attachments/store';
import { MeasurementError } from './errors';
import { provider } from './fixtures';
import { startRelayProcess, type RelayProcess } from './relayProcess';

const MB = 1_000_000;

/** Peak growth of RSS and ArrayBuffers over a baseline, sampled every 10 ms and at the end. */
export function memorySampler() {
  const start = process.memoryUsage();
  let rss = 0;
  let arrayBuffers = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss - start.rss);
    arrayBuffers = Math.max(arrayBuffers, m.arrayBuffers - start.arrayBuffers);
  };
  const timer = setInterval(sample, 10);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { rssMb: rss / MB, arrayBuffersMb: arrayBuffers / MB };
    },
  };
}

export interface Transfer {
  readonly seconds: number;
  readonly rssMb: number;
  readonly arrayBuffersMb: number;
}

/** Encrypts and uploads `source`; answers the descriptor and the measurement. */
export async function upload(store: AttachmentStore, source: AsyncIterable<Uint8Array>): Promise<{ descriptor: AttachmentDescriptor } & Transfer> {
  const memory = memorySampler();
  const start = performance.now();
  const descriptor = await writeAttachment(provider, {
    source,
    fileName: 'bench.bin',
    mediaType: 'application/octet-stream',
    store: (part) => store.put(part),
    partSize: store.maxPartSize,
  });
  const seconds = (performance.now() - start) / 1000;
  return { descriptor, seconds, ...memory.stop() };
}

/** Downloads, verifies and decrypts the file (every byte read, nothing kept). */
export async function download(store: AttachmentStore, descriptor: AttachmentDescriptor): Promise<Transfer> {
  const memory = memorySampler();
  const start = performance.now();
  let bytes = 0;
  for await (const piece of readAttachment(provider, descriptor, (ref) => store.get(ref))) bytes += piece.length;
  const seconds = (performance.now() - start) / 1000;
  if (bytes !== descriptor.size) throw new MeasurementError(`decrypted ${bytes} of ${descriptor.size} bytes`);
  return { seconds, ...memory.stop() };
}

const KEYS = { publishKey: 'pub-c-bench-files', subscribeKey: 'sub-c-bench-files', secretKey: 'sec-c-bench-files' };
const CHANNEL = 'conv.bench-files';

/** A relay in its own process with Access Manager on, and a PubNub Files store with a token for one conversation channel. */
export async function relayFilesStore(tmpDir: string): Promise<{ store: PubNubFilesStore; close(): Promise<void> }> {
  const relay: RelayProcess = await startRelayProcess(mkdtempSync(path.join(tmpDir, 'files-relay-')), 20_000, KEYS);
  const admin = new PubNub({ ...KEYS, userId: 'key-service', origin: relay.origin, ssl: false });
  const token = await admin.grantToken({
    ttl: 60,
    authorized_uuid: 'bench',
    resources: { channels: { [CHANNEL]: { read: true, write: true, delete: true } } },
  });
  admin.destroy(true);
  const pubnub = new PubNub({ publishKey: KEYS.publishKey, subscribeKey: KEYS.subscribeKey, userId: 'bench', origin: relay.origin, ssl: false });
  pubnub.setToken(token);
  return {
    store: new PubNubFilesStore({ pubnub, channel: CHANNEL }),
    close: async () => {
      pubnub.destroy(true);
      await relay.stop();
    },
  };
}

/** A fresh bucket on moto's S3 server (`TEST_MOTO_URL`, started by scripts/with-services.sh). */
export async function motoStore(motoUrl: string): Promise<{ store: S3AttachmentStore; close(): Promise<void> }> {
  const region = 'us-east-1';
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const bucket = `seed-bench-files-${process.pid}`;
  const admin = new S3Client({ region, endpoint: motoUrl, credentials, forcePathStyle: true });
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  const store = new S3AttachmentStore({ bucket, region, endpoint: motoUrl, credentials, forcePathStyle: true });
  return { store, close: async () => store.destroy() };
}
