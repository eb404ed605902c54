/**
 * PubNub Files on the relay through the real SDK (docs/relay.md "Files"): `sendFile` (upload URL, multipart
 * upload, file message), the stored file message in history (`message_type` 4), `listFiles` paging,
 * `downloadFile` through the redirect, `deleteFile`; and the clear 4xx answers to what the SDK never sends —
 * a bad name, a body that is not a multipart form, an unknown upload URL, a file message naming no file.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { request, type ClientRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { PUB, SUB, cleanup, client, failure, raw, startTestRelay, waitFor } from './helpers';

afterEach(cleanup);

const CHANNEL = 'files.conv-9';
const bytes = (n: number, fill: number) => Buffer.alloc(n, fill);

describe('files upload, list, download and delete', () => {
  it('round-trips files through the SDK and pages the list', async () => {
    const relay = await startTestRelay();
    const alice = client(relay, 'alice');
    const bob = client(relay, 'bob');
    const sent = [];
    for (const fill of [1, 2, 3]) {
      sent.push(
        await alice.sendFile({ channel: CHANNEL, file: { data: bytes(2000 + fill, fill), name: `part-${fill}.bin`, mimeType: 'application/octet-stream' } }),
      );
    }
    expect(sent.map((s) => s.name)).toEqual(['part-1.bin', 'part-2.bin', 'part-3.bin']);

    const history = (await bob.fetchMessages({ channels: [CHANNEL], includeMessageType: true })).channels[CHANNEL] ?? [];
    expect(history).toHaveLength(3);
    expect(history[0]).toMatchObject({ messageType: 4, message: { file: { id: sent[0]!.id, name: 'part-1.bin' } } });

    const first = await bob.listFiles({ channel: CHANNEL, limit: 2 });
    expect(first.data.map((f) => f.name)).toEqual(['part-1.bin', 'part-2.bin']);
    expect(first.data[0]).toMatchObject({ id: sent[0]!.id, size: 2001 });
    expect(first.data[0]!.created).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const second = await bob.listFiles({ channel: CHANNEL, limit: 2, next: first.next });
    expect(second.data.map((f) => f.name)).toEqual(['part-3.bin']);
    expect(second.next).toBeUndefined();

    const file = await bob.downloadFile({ channel: CHANNEL, id: sent[1]!.id, name: 'part-2.bin' });
    expect(Buffer.from(await file.toArrayBuffer()).equals(bytes(2002, 2))).toBe(true);

    await bob.deleteFile({ channel: CHANNEL, id: sent[1]!.id, name: 'part-2.bin' });
    expect((await failure(bob.downloadFile({ channel: CHANNEL, id: sent[1]!.id, name: 'part-2.bin' }))).statusCode).toBe(404);
    expect((await failure(bob.deleteFile({ channel: CHANNEL, id: sent[1]!.id, name: 'part-2.bin' }))).statusCode).toBe(404);
    expect((await bob.listFiles({ channel: CHANNEL })).count).toBe(2);
    expect(readdirSync(join(relay.dataDir, 'files'))).toHaveLength(2);
  });

  it('answers what the SDK never sends with a clear 4xx and stores nothing', async () => {
    const relay = await startTestRelay({ limits: { fileBytes: 50_000 } });
    const base = `/v1/files/${SUB}/channels/${encodeURIComponent(CHANNEL)}`;
    const generate = (body: string) => raw(relay, `${base}/generate-upload-url?uuid=alice`, { method: 'POST', body });
    expect((await generate('{')).body).toMatchObject({ status: 400, code: 'invalid_json' });
    expect((await generate(JSON.stringify({ name: '../etc/passwd' }))).body).toMatchObject({ status: 400, code: 'invalid_parameter' });
    expect((await generate(JSON.stringify({ name: 'x'.repeat(256) }))).body).toMatchObject({ status: 400, code: 'invalid_parameter' });

    const slot = async () => ((await generate(JSON.stringify({ name: 'a.bin' }))).body as { file_upload_request: { url: string } }).file_upload_request.url;
    const notForm = await fetch(await slot(), { method: 'POST', body: 'just bytes', headers: { 'content-type': 'application/octet-stream' } });
    expect(await notForm.json()).toMatchObject({ status: 400, code: 'invalid_parameter' });
    const broken = await fetch(await slot(), {
      method: 'POST',
      body: '--xyz\r\nno head end',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    });
    expect(await broken.json()).toMatchObject({ status: 400, code: 'invalid_parameter' });
    const noFile = new FormData();
    noFile.append('Content-Type', 'application/octet-stream');
    expect(await (await fetch(await slot(), { method: 'POST', body: noFile })).json()).toMatchObject({ status: 400, code: 'invalid_parameter' });
    // Just over the bound (read, then refused) and far over it (refused by its declared length, not kept).
    for (const size of [50_001, 500_000]) {
      const tooLarge = new FormData();
      tooLarge.append('file', new Blob([bytes(size, 7)]), 'big');
      expect(await (await fetch(await slot(), { method: 'POST', body: tooLarge })).json(), String(size)).toMatchObject({ status: 400, code: 'body_too_large' });
    }
    // Refused before its body is read (an unknown URL), a large upload still gets the answer, not a reset.
    const unknownSlot = new FormData();
    unknownSlot.append('file', new Blob([bytes(4 * 1024 * 1024, 9)]), 'big');
    expect((await raw(relay, `/v1/files-upload/${'A'.repeat(43)}`, { method: 'POST', body: unknownSlot })).body).toMatchObject({
      status: 403,
      code: 'file_url_invalid',
    });

    expect((await raw(relay, `${base}/files/not-an-id/a.bin?uuid=alice`)).body).toMatchObject({ status: 404 });
    expect((await raw(relay, `${base}/files/${randomUUID()}/a.bin?uuid=alice`)).body).toMatchObject({ status: 404, code: 'not_found' });
    expect((await raw(relay, `${base}/files?uuid=alice&next=abc`)).body).toMatchObject({ status: 400, code: 'invalid_parameter' });
    expect((await raw(relay, `${base}/files?uuid=alice&limit=101`)).body).toMatchObject({ status: 400, code: 'invalid_parameter' });

    const message = encodeURIComponent(JSON.stringify({ file: { id: randomUUID(), name: 'a.bin' } }));
    const publish = await raw(relay, `/v1/files/publish-file/${PUB}/${SUB}/0/${encodeURIComponent(CHANNEL)}/0/${message}?uuid=alice`);
    expect(publish.status).toBe(404);
    expect(publish.body).toEqual([0, 'The file message names no file uploaded to this channel', expect.stringMatching(/^\d{17}$/)]);

    expect(readdirSync(join(relay.dataDir, 'files'))).toHaveLength(0);
  });

  it('receives at most 16 uploads at once; one more is 503 uploads_full and keeps its URL for the retry', async () => {
    const relay = await startTestRelay();
    const base = `/v1/files/${SUB}/channels/${encodeURIComponent(CHANNEL)}`;
    const slot = async () =>
      new URL(
        (
          (await raw(relay, `${base}/generate-upload-url?uuid=alice`, { method: 'POST', body: JSON.stringify({ name: 'a.bin' }) })).body as {
            file_upload_request: { url: string };
          }
        ).file_upload_request.url,
      );
    // Sixteen uploads that send their head and then hold their body.
    const held: ClientRequest[] = [];
    for (let i = 0; i < 16; i += 1) {
      const url = await slot();
      const req = request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=b', 'content-length': '100000' },
      });
      req.on('error', () => undefined);
      req.write('--b\r\n');
      held.push(req);
    }
    const post = async (url: URL) => {
      const form = new FormData();
      form.append('file', new Blob([bytes(100, 1)]), 'f');
      const response = await fetch(url, { method: 'POST', body: form });
      return { status: response.status, body: response.status === 204 ? {} : ((await response.json()) as unknown) };
    };
    // Poll with fresh URLs until the held ones are all being received (each poll before that stores a file).
    let busy: URL | undefined;
    for (let i = 0; busy === undefined && i < 200; i += 1) {
      const url = await slot();
      const answer = await post(url);
      if (answer.status === 503) {
        expect(answer.body).toMatchObject({ code: 'uploads_full' });
        busy = url;
      }
    }
    expect(busy).toBeDefined();
    for (const req of held) req.destroy();
    await waitFor('the held uploads to end', () => held.every((req) => req.destroyed));
    let retried = { status: 503, body: {} as unknown };
    for (let i = 0; retried.status === 503 && i < 200; i += 1) retried = await post(busy!);
    expect(retried.status).toBe(204);
  });
});
