/**
 * ONE contract suite for the attachment stores (src/node/attachments/store.ts) — the embedded local
 * directory, an S3-compatible bucket through `@aws-sdk/client-s3` against moto's real server (`moto_server`,
 * started by scripts/with-services.sh as TEST_MOTO_URL; not a mock of the SDK), and PubNub Files through the
 * real `pubnub` SDK against the local relay's Files endpoints, with an Access Manager token. A
 * multi-part encrypted file goes in through `writeAttachment` and out through `readAttachment`; the
 * attacker's cases go around the store to its raw storage (the directory's files, the bucket through a raw
 * S3 client, the relay's files directory): an overwritten object is refused by the reader with a typed error, and a scan of the storage
 * finds neither the plaintext, the file key nor the file name.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { AttachmentStoreError } from '../../src/common/attachments/errors';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { errorCategory } from '../../src/common/errorCodes';
import { readAttachment, writeAttachment } from '../../src/node/attachments/attachmentFiles';
import { S3AttachmentStore } from '../../src/node/attachments/s3Store';
import { parsePubNubFileRef, PubNubFilesStore } from '../../src/node/attachments/pubnubFilesStore';
import { LocalAttachmentStore, newStoreRef, type AttachmentStore } from '../../src/node/attachments/store';
import type { RelayOptions } from '../../src/relay/index';
import { PUB, SECRET, SUB, cleanup, client, raw, startTestRelay, userWithToken, waitFor } from '../relay/helpers';
import { provider } from '../crypto/fixtures';
import { collect, drain, piecesOf } from './streams';

afterAll(cleanup);

const MOTO = process.env['TEST_MOTO_URL'];
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const region = 'eu-central-1';
const PART = 100_000;

function motoClient(): S3Client {
  if (!MOTO) throw new Error('TEST_MOTO_URL is not set: run through scripts/with-services.sh (moto_server)');
  return new S3Client({ region, endpoint: MOTO, credentials, forcePathStyle: true });
}

const FILES_CHANNEL = 'files.conv-1';
const PUBNUB_REF = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[A-Za-z0-9_-]{43}$/;
const ALL = { read: true, write: true, delete: true };

/** A relay with Access Manager, and alice's SDK client holding a token for the files channel, as the key service grants it. */
async function filesRelay(options: Partial<RelayOptions> = {}) {
  const relay = await startTestRelay({ secretKey: SECRET, publishKey: PUB, subscribeKey: SUB, ...options });
  const keyService = client(relay, 'key-service', { secretKey: SECRET });
  const grant = (uuid: string, channels: Record<string, { read?: boolean; write?: boolean; delete?: boolean }>) =>
    userWithToken(relay, keyService, uuid, { resources: { channels } });
  const user = await grant('alice', { [FILES_CHANNEL]: ALL });
  return { relay, keyService, user, grant };
}

/** The relay's file storage as an attacker with its disk sees it: one file per uploaded object, named by its id. */
function relayStorage(dataDir: string) {
  const directory = path.join(dataDir, 'files');
  const fileOf = (ref: string) => path.join(directory, parsePubNubFileRef(ref).id);
  return {
    scan: async () =>
      readdirSync(directory)
        .filter((name) => !name.endsWith('.partial'))
        .map((name) => new Uint8Array(readFileSync(path.join(directory, name)))),
    overwrite: async (ref: string, bytes: Uint8Array) => writeFileSync(fileOf(ref), bytes),
    read: async (ref: string) => new Uint8Array(readFileSync(fileOf(ref))),
  };
}

let buckets = 0;
async function motoBucket(): Promise<string> {
  const bucket = `seed-attachments-${process.pid}-${++buckets}`;
  await motoClient().send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region } }));
  return bucket;
}

/** A store and what an attacker with access to its storage (not its keys) can do there. */
interface Harness {
  readonly store: AttachmentStore;
  /** Every object's bytes, straight from the storage. */
  scan(): Promise<Uint8Array[]>;
  /** Replaces an object's bytes behind the store's back. */
  overwrite(ref: string, bytes: Uint8Array): Promise<void>;
  read(ref: string): Promise<Uint8Array>;
}

interface Adapter {
  readonly name: string;
  /** What the store's references look like. */
  readonly refPattern: RegExp;
  make(): Promise<Harness>;
  /** A well-formed reference to nothing. */
  unknownRef(): string;
  /** A store whose bucket / directory / keyset does not exist. */
  missingContainer(): Promise<AttachmentStore>;
}

const adapters: Adapter[] = [
  {
    name: 'local',
    refPattern: /^[A-Za-z0-9_-]{43}$/,
    unknownRef: newStoreRef,
    make: async () => {
      const directory = mkdtempSync(path.join(tmpdir(), 'seed-attachments-'));
      return {
        store: new LocalAttachmentStore({ directory, maxPartSize: PART }),
        scan: async () => readdirSync(directory).map((name) => new Uint8Array(readFileSync(path.join(directory, name)))),
        overwrite: async (ref, bytes) => writeFileSync(path.join(directory, ref), bytes),
        read: async (ref) => new Uint8Array(readFileSync(path.join(directory, ref))),
      };
    },
    missingContainer: async () => new LocalAttachmentStore({ directory: path.join(tmpdir(), `seed-no-such-dir-${newStoreRef()}`) }),
  },
  {
    name: 's3 (moto)',
    refPattern: /^[A-Za-z0-9_-]{43}$/,
    unknownRef: newStoreRef,
    make: async () => {
      const bucket = await motoBucket();
      const prefix = 'attachments/';
      const raw = motoClient();
      const store = new S3AttachmentStore({ bucket, prefix, region, endpoint: MOTO!, credentials, forcePathStyle: true, maxPartSize: PART });
      const read = async (key: string) =>
        (await (await raw.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray()) as Uint8Array;
      return {
        store,
        scan: async () => {
          const listed = await raw.send(new ListObjectsV2Command({ Bucket: bucket }));
          const keys = (listed.Contents ?? []).map((o) => o.Key!);
          for (const key of keys) expect(key).toMatch(/^attachments\/[A-Za-z0-9_-]{43}$/);
          return Promise.all(keys.map(read));
        },
        overwrite: async (ref, bytes) => void (await raw.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + ref, Body: bytes }))),
        read: async (ref) => read(prefix + ref),
      };
    },
    missingContainer: async () =>
      new S3AttachmentStore({ bucket: `seed-no-such-bucket-${process.pid}`, region, endpoint: MOTO!, credentials, forcePathStyle: true }),
  },
  {
    name: 'pubnub files (relay, real SDK)',
    refPattern: PUBNUB_REF,
    unknownRef: () => `${randomUUID()}.${newStoreRef()}`,
    make: async () => {
      const { relay, user } = await filesRelay();
      const store = new PubNubFilesStore({ pubnub: user, channel: FILES_CHANNEL, maxPartSize: PART });
      return { store, ...relayStorage(relay.dataDir) };
    },
    missingContainer: async () => {
      const { relay } = await filesRelay();
      return new PubNubFilesStore({ pubnub: client(relay, 'alice', { subscribeKey: 'sub-c-no-such-keyset' }), channel: FILES_CHANNEL });
    },
  },
];

/** Recognisable plaintext: a repeated sentence, so any leaked window of it is found by a scan. */
const SENTENCE = new TextEncoder().encode('Quarterly payroll, confidential: Alice 7,310.00 EUR; Bob 6,905.50 EUR. ');
function plaintextOf(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => SENTENCE[i % SENTENCE.length]!);
}
const FILE_NAME = 'payroll-2026-Q4-confidential.pdf';

async function writeFile(store: AttachmentStore, plaintext: Uint8Array) {
  return writeAttachment(provider, {
    source: piecesOf(plaintext, 30_000),
    fileName: FILE_NAME,
    mediaType: 'application/pdf',
    store: (part) => store.put(part),
    partSize: PART,
  });
}
const reader = (store: AttachmentStore) => (ref: string) => store.get(ref);
const contains = (haystack: Uint8Array, needle: Uint8Array) => Buffer.from(haystack).indexOf(Buffer.from(needle)) !== -1;

describe.each(adapters)('attachment store contract: $name', { timeout: 30_000 }, (adapter) => {
  it('stores a multi-part encrypted file under random references and reads it back verified', async () => {
    const { store, read } = await adapter.make();
    const plaintext = plaintextOf(350_000);
    const d = await writeFile(store, plaintext);
    expect(d.parts).toHaveLength(4);
    expect(new Set(d.parts.map((p) => p.ref)).size).toBe(4);
    for (const p of d.parts) {
      expect(p.ref).toMatch(adapter.refPattern);
      expect(p.ref).not.toContain('payroll');
      expect(await store.exists(p.ref)).toBe(true);
      expect((await read(p.ref)).length).toBe(p.size);
    }
    expect(Buffer.compare(await collect(readAttachment(provider, d, reader(store))), plaintext)).toBe(0);
  });

  it('a scan of the storage finds no plaintext, no file key and no file name', async () => {
    const { store, scan } = await adapter.make();
    const plaintext = plaintextOf(350_000);
    const d = await writeFile(store, plaintext);
    const objects = await scan();
    expect(objects).toHaveLength(d.parts.length);
    const key = fromBase64Url(d.key);
    const name = new TextEncoder().encode(FILE_NAME);
    const windows = [0, 1, 17, 40_000, 349_960].map((at) => plaintext.subarray(at, at + 24));
    for (const object of objects) {
      expect(contains(object, key)).toBe(false);
      expect(contains(object, name)).toBe(false);
      expect(contains(object, new TextEncoder().encode('payroll'))).toBe(false);
      for (const w of windows) expect(contains(object, w)).toBe(false);
    }
    // The scan can see plaintext when it is there (a test that cannot fail is a defect).
    const leaked = await store.put(piecesOf(plaintext.subarray(0, 1000), 100));
    expect((await scan()).some((o) => contains(o, windows[0]!))).toBe(true);
    await store.delete(leaked);
  });

  it('an object overwritten in the storage is refused by the reader (attachment_hash_mismatch)', async () => {
    const { store, overwrite, read } = await adapter.make();
    const d = await writeFile(store, plaintextOf(350_000));
    const ref = d.parts[0]!.ref;
    const altered = Uint8Array.from(await read(ref));
    // The last byte of part 0: its chunk runs on into part 1, so the part's SHA-256 is what catches it.
    altered[PART - 1] = altered[PART - 1]! ^ 1;
    await overwrite(ref, altered);
    const { emitted, error } = await drain(readAttachment(provider, d, reader(store)));
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'attachment_hash_mismatch', index: 0 });
    expect(emitted.length).toBeLessThan(PART);
  });

  it('deletes; a deleted or unknown reference is attachment_store_not_found, also through the reader', async () => {
    const { store } = await adapter.make();
    const d = await writeFile(store, plaintextOf(150_000));
    const ref = d.parts[1]!.ref;
    await store.delete(ref);
    expect(await store.exists(ref)).toBe(false);
    await store.delete(ref); // deleting again is not an error
    const missing = await drain(store.get(ref));
    expect(missing.error).toBeInstanceOf(AttachmentStoreError);
    expect(missing.error).toMatchObject({ code: 'attachment_store_not_found', category: 'not_found' });
    expect((await drain(store.get(adapter.unknownRef()))).error).toMatchObject({ code: 'attachment_store_not_found' });
    expect((await drain(readAttachment(provider, d, reader(store)))).error).toMatchObject({ code: 'attachment_store_not_found' });
    expect(await store.exists(d.parts[0]!.ref)).toBe(true);
  });

  it('refuses a part over its part size before anything is stored (attachment_store_part_too_large)', async () => {
    const { store, scan } = await adapter.make();
    await expect(store.put(piecesOf(new Uint8Array(PART + 1), 10_000))).rejects.toMatchObject({ code: 'attachment_store_part_too_large' });
    await expect(
      writeAttachment(provider, {
        source: piecesOf(plaintextOf(300_000), 50_000),
        fileName: 'a.bin',
        mediaType: 'application/octet-stream',
        store: (p) => store.put(p),
        partSize: PART + 1,
      }),
    ).rejects.toMatchObject({
      code: 'attachment_store_part_too_large',
    });
    expect(await scan()).toHaveLength(0);
    const exact = await store.put(piecesOf(new Uint8Array(PART), 10_000));
    expect((await collect(store.get(exact))).length).toBe(PART);
  });

  it('a part whose source fails is not stored, and the source’s error is passed on unchanged', async () => {
    const { store, scan } = await adapter.make();
    const broken = new Error('the file being attached could not be read');
    async function* source(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(1000);
      throw broken;
    }
    await expect(store.put(source())).rejects.toBe(broken);
    expect(await scan()).toHaveLength(0);
  });

  it('refuses a reference it did not make (a file name, a path, another key) with attachment_store_bad_ref', async () => {
    const { store } = await adapter.make();
    for (const ref of ['report.pdf', '../etc/passwd', `${newStoreRef()}/x`, '', newStoreRef().slice(1), `attachments/${newStoreRef()}`]) {
      expect((await drain(store.get(ref))).error, ref).toMatchObject({ code: 'attachment_store_bad_ref' });
      await expect(store.delete(ref), ref).rejects.toMatchObject({ code: 'attachment_store_bad_ref' });
      await expect(store.exists(ref), ref).rejects.toMatchObject({ code: 'attachment_store_bad_ref' });
    }
  });

  it('a missing bucket or directory is attachment_store_bucket_missing', async () => {
    const store = await adapter.missingContainer();
    await expect(store.put(piecesOf(new Uint8Array(10), 10))).rejects.toMatchObject({ code: 'attachment_store_bucket_missing' });
    expect((await drain(store.get(adapter.unknownRef()))).error).toMatchObject({ code: 'attachment_store_bucket_missing' });
    await expect(store.delete(adapter.unknownRef())).rejects.toMatchObject({ code: 'attachment_store_bucket_missing' });
  });
});

describe('S3 store: failures of the service', { timeout: 30_000 }, () => {
  it('an unreachable endpoint is attachment_store_unavailable', async () => {
    const dead = new S3AttachmentStore({ bucket: 'any', region, endpoint: 'http://127.0.0.1:9', credentials, forcePathStyle: true, maxAttempts: 1 });
    await expect(dead.put(piecesOf(new Uint8Array(10), 10))).rejects.toMatchObject({ code: 'attachment_store_unavailable', category: 'unavailable' });
    expect((await drain(dead.get(newStoreRef()))).error).toMatchObject({ code: 'attachment_store_unavailable' });
  });

  it('a bucket policy that denies the store is attachment_store_access_denied on put, get and delete', async () => {
    const bucket = await motoBucket();
    const store = new S3AttachmentStore({ bucket, prefix: 'attachments/', region, endpoint: MOTO!, credentials, forcePathStyle: true });
    const ref = await store.put(piecesOf(new Uint8Array(10), 10));
    const Policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}/attachments/*`] }],
    });
    await motoClient().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy }));
    await expect(store.put(piecesOf(new Uint8Array(10), 10))).rejects.toMatchObject({ code: 'attachment_store_access_denied', category: 'permission' });
    expect((await drain(store.get(ref))).error).toMatchObject({ code: 'attachment_store_access_denied' });
    await expect(store.delete(ref)).rejects.toMatchObject({ code: 'attachment_store_access_denied' });
  });

  it('the store codes are in the catalog with their categories', () => {
    expect(errorCategory('attachment_store_access_denied')).toBe('permission');
    expect(errorCategory('attachment_store_bucket_missing')).toBe('unavailable');
    expect(errorCategory('attachment_store_part_too_large')).toBe('validation');
  });
});

describe('PubNub Files store: what the relay refuses', { timeout: 30_000 }, () => {
  const filesIn = (dataDir: string) => readdirSync(path.join(dataDir, 'files'));

  it('a token without the channel can neither upload, download, list nor delete (access denied, nothing stored or changed)', async () => {
    const { relay, user, grant } = await filesRelay();
    const alice = new PubNubFilesStore({ pubnub: user, channel: FILES_CHANNEL, maxPartSize: PART });
    const ref = await alice.put(piecesOf(plaintextOf(5000), 1000));
    const before = filesIn(relay.dataDir);
    const original = readFileSync(path.join(relay.dataDir, 'files', parsePubNubFileRef(ref).id));

    const mallory = new PubNubFilesStore({ pubnub: await grant('mallory', { 'files.conv-2': ALL }), channel: FILES_CHANNEL, maxPartSize: PART });
    const denied = { code: 'attachment_store_access_denied', category: 'permission' };
    await expect(mallory.put(piecesOf(new Uint8Array(100), 100))).rejects.toMatchObject(denied);
    expect((await drain(mallory.get(ref))).error).toMatchObject(denied);
    await expect(mallory.exists(ref)).rejects.toMatchObject(denied);
    await expect(mallory.delete(ref)).rejects.toMatchObject(denied);

    const reader = new PubNubFilesStore({ pubnub: await grant('bob', { [FILES_CHANNEL]: { read: true } }), channel: FILES_CHANNEL, maxPartSize: PART });
    await expect(reader.put(piecesOf(new Uint8Array(100), 100))).rejects.toMatchObject(denied);
    await expect(reader.delete(ref)).rejects.toMatchObject(denied);
    expect((await collect(reader.get(ref))).length).toBe(original.length);

    const anonymous = new PubNubFilesStore({ pubnub: client(relay, 'eve'), channel: FILES_CHANNEL });
    await expect(anonymous.put(piecesOf(new Uint8Array(100), 100))).rejects.toMatchObject(denied);
    expect((await drain(anonymous.get(ref))).error).toMatchObject(denied);

    expect(filesIn(relay.dataDir)).toEqual(before);
    expect(Buffer.compare(readFileSync(path.join(relay.dataDir, 'files', parsePubNubFileRef(ref).id)), original)).toBe(0);
    expect(await alice.exists(ref)).toBe(true);
  });

  it('an upload over the relay’s file size bound is refused (part too large) and nothing is stored', async () => {
    const { relay, user } = await filesRelay({ limits: { fileBytes: 50_000 } });
    const store = new PubNubFilesStore({ pubnub: user, channel: FILES_CHANNEL, maxPartSize: PART });
    await expect(store.put(piecesOf(new Uint8Array(50_001), 10_000))).rejects.toMatchObject({ code: 'attachment_store_part_too_large' });
    expect(filesIn(relay.dataDir)).toHaveLength(0);
    expect(await store.exists(await store.put(piecesOf(new Uint8Array(50_000), 10_000)))).toBe(true);
  });

  it('uploads past the channel’s or the keyset’s quota are refused (quota exceeded); deleting makes room', async () => {
    const { relay, user, grant } = await filesRelay({ limits: { filesChannelBytes: 150_000, filesKeysetBytes: 180_000 } });
    const store = new PubNubFilesStore({ pubnub: user, channel: FILES_CHANNEL, maxPartSize: PART });
    const first = await store.put(piecesOf(new Uint8Array(100_000), 10_000));
    const full = { code: 'attachment_store_quota_exceeded', category: 'unavailable' };
    // The channel: 100,000 + 60,000 is over its 150,000.
    await expect(store.put(piecesOf(new Uint8Array(60_000), 10_000))).rejects.toMatchObject(full);
    expect(filesIn(relay.dataDir)).toHaveLength(1);
    // The keyset: another channel has room, but 100,000 + 60,000 + 30,000 is over the keyset's 180,000.
    const other = new PubNubFilesStore({ pubnub: await grant('bob', { 'files.conv-2': ALL }), channel: 'files.conv-2', maxPartSize: PART });
    await other.put(piecesOf(new Uint8Array(60_000), 10_000));
    await expect(other.put(piecesOf(new Uint8Array(30_000), 10_000))).rejects.toMatchObject(full);
    expect(filesIn(relay.dataDir)).toHaveLength(2);
    await store.delete(first);
    await other.put(piecesOf(new Uint8Array(30_000), 10_000));
    expect(filesIn(relay.dataDir)).toHaveLength(2);
  });

  it('an upload URL works once and not after it expires; a download URL only while signed and fresh', async () => {
    const { relay, user } = await filesRelay({ fileUrlSeconds: 0.3 });
    const token = user.getToken()!;
    const query = `uuid=alice&auth=${encodeURIComponent(token)}`;
    const channelPath = `/v1/files/${SUB}/channels/${encodeURIComponent(FILES_CHANNEL)}`;
    const uploadUrl = async () => {
      const answer = await raw(relay, `${channelPath}/generate-upload-url?${query}`, { method: 'POST', body: JSON.stringify({ name: newStoreRef() }) });
      expect(answer.status).toBe(200);
      return answer.body as { data: { id: string; name: string }; file_upload_request: { url: string } };
    };
    const post = async (url: string) => {
      const form = new FormData();
      form.append('Content-Type', 'application/octet-stream');
      form.append('file', new Blob([new Uint8Array(1000)]), 'part');
      const response = await fetch(url, { method: 'POST', body: form });
      return { status: response.status, body: (await response.text()) || '{}' };
    };

    const once = await uploadUrl();
    expect((await post(once.file_upload_request.url)).status).toBe(204);
    const replay = await post(once.file_upload_request.url);
    expect(replay.status).toBe(403);
    expect(JSON.parse(replay.body)).toMatchObject({ code: 'file_url_invalid' });
    expect(filesIn(relay.dataDir)).toHaveLength(1);

    const stale = await uploadUrl();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const late = await post(stale.file_upload_request.url);
    expect(late.status).toBe(403);
    expect(JSON.parse(late.body)).toMatchObject({ code: 'file_url_expired' });
    expect(filesIn(relay.dataDir)).toHaveLength(1);

    const filePath = `${channelPath}/files/${once.data.id}/${once.data.name}`;
    const redirected = await fetch(`${relay.url}${filePath}?${query}`, { redirect: 'manual' });
    expect(redirected.status).toBe(307);
    const location = redirected.headers.get('location')!;
    expect(location).toMatch(/^\/v1\/files-download\//);
    expect((await fetch(`${relay.url}${location}`)).status).toBe(200);
    const forged = await raw(relay, location.replace(/sig=[^&]+/, `sig=${'A'.repeat(43)}`));
    expect(forged.body).toMatchObject({ status: 403, code: 'file_url_invalid' });
    const otherFile = await raw(relay, location.replace(once.data.id, randomUUID()));
    expect(otherFile.body).toMatchObject({ status: 403, code: 'file_url_invalid' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await raw(relay, location)).body).toMatchObject({ status: 403, code: 'file_url_expired' });
    expect((await raw(relay, `${filePath}?uuid=alice`)).body).toMatchObject({ status: 403, service: 'Access Manager' });
  });

  it('a scan of all the relay keeps (files, database, journal) after a round trip finds no plaintext, no file key and no file name', async () => {
    const { relay, user } = await filesRelay();
    const store = new PubNubFilesStore({ pubnub: user, channel: FILES_CHANNEL, maxPartSize: PART });
    const plaintext = plaintextOf(250_000);
    const d = await writeFile(store, plaintext);
    expect(Buffer.compare(await collect(readAttachment(provider, d, reader(store))), plaintext)).toBe(0);
    const everything = (dir: string): Uint8Array[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? everything(path.join(dir, entry.name)) : [new Uint8Array(readFileSync(path.join(dir, entry.name)))],
      );
    const kept = everything(relay.dataDir);
    expect(kept.length).toBeGreaterThan(d.parts.length);
    const secrets = [fromBase64Url(d.key), new TextEncoder().encode(FILE_NAME), ...[0, 33, 100_000, 249_970].map((at) => plaintext.subarray(at, at + 24))];
    for (const bytes of kept) for (const secret of secrets) expect(contains(bytes, secret)).toBe(false);
    // The scan finds what is there: each part's ciphertext is in the files directory.
    const firstPart = await collect(store.get(d.parts[0]!.ref));
    expect(kept.some((bytes) => contains(bytes, firstPart.subarray(0, 64)))).toBe(true);
  });

  it('the file message the SDK publishes carries only the opaque reference, and is not stored in history', async () => {
    const { relay, user, grant } = await filesRelay();
    const bob = await grant('bob', { [FILES_CHANNEL]: { read: true } });
    const files: { message: unknown; file: { id: string; name: string } | undefined }[] = [];
    const statuses: string[] = [];
    bob.addListener({
      file: (f) => files.push({ message: f.message, file: f.file && { id: f.file.id, name: f.file.name } }),
      status: (s) => statuses.push(s.category),
    });
    bob.subscribe({ channels: [FILES_CHANNEL] });
    await waitFor('bob subscribed', () => statuses.includes('PNConnectedCategory'));
    const store = new PubNubFilesStore({ pubnub: user, channel: FILES_CHANNEL, maxPartSize: PART });
    const ref = await store.put(piecesOf(plaintextOf(3000), 1000));
    await waitFor('the file message', () => files.length === 1);
    expect(files[0]).toEqual({ message: undefined, file: parsePubNubFileRef(ref) });
    expect((await bob.fetchMessages({ channels: [FILES_CHANNEL] })).channels[FILES_CHANNEL] ?? []).toHaveLength(0);
    expect(relay.origin).toBeTruthy();
  });

  it('the quota code is in the catalog with its category', () => {
    expect(errorCategory('attachment_store_quota_exceeded')).toBe('unavailable');
  });
});
