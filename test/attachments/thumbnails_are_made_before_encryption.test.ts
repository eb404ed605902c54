/**
 * Thumbnails (src/node/attachments/thumbnail.ts; docs/desktop.md "Files"): a JPEG and a PNG get a JPEG
 * preview of at most 320 pixels a side and 256 KiB, which is stored as its own encrypted object and reads back
 * verified; a header declaring more than 50 megapixels is refused (`thumbnail_too_many_pixels`) before any
 * pixel is decoded; a broken image and a non-image get no preview.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { readThumbnail } from '../../src/client/attachments/downloadFile';
import { uploadFile } from '../../src/client/attachments/uploadFile';
import { MAX_THUMBNAIL_SIZE } from '../../src/common/attachments/descriptor';
import { attachmentSendLimits } from '../../src/common/attachments/sendPolicy';
import { LocalAttachmentStore } from '../../src/node/attachments/store';
import { declaredSize, jpegScaleFor, makeThumbnail, MAX_SOURCE_PIXELS, ThumbnailError } from '../../src/node/attachments/thumbnail';
import { createNodeCryptoProvider } from '../../src/node/crypto/nodeProvider';

const provider = createNodeCryptoProvider();
const dir = mkdtempSync(join(tmpdir(), 'seed-thumbs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pixels(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++)
    data.writeUInt32BE((((i % width) & 255) * 0x1000000 + (Math.floor(i / width) % 256) * 0x10000 + 128 * 0x100 + 255) >>> 0, i * 4);
  return data;
}
const jpegOf = (w: number, h: number) => new Uint8Array(jpeg.encode({ data: pixels(w, h), width: w, height: h }, 80).data);
const pngOf = (w: number, h: number) => new Uint8Array(PNG.sync.write({ width: w, height: h, data: pixels(w, h) }));

describe('thumbnails are made before encryption', () => {
  it('a JPEG becomes a JPEG of at most 320 pixels a side', async () => {
    const t = await makeThumbnail(jpegOf(1200, 800), 'image/jpeg');
    expect(t).toMatchObject({ mediaType: 'image/jpeg', width: 320, height: 213 });
    expect(t!.bytes.length).toBeLessThanOrEqual(MAX_THUMBNAIL_SIZE);
    expect(jpeg.decode(t!.bytes)).toMatchObject({ width: 320, height: 213 });
  });

  it('a large JPEG is decoded at the DCT scale that still covers the thumbnail, and keeps its picture', async () => {
    expect(jpegScaleFor({ width: 4000, height: 3000 }, 320)).toBe(8);
    expect(jpegScaleFor({ width: 1200, height: 800 }, 320)).toBe(2);
    expect(jpegScaleFor({ width: 2000, height: 100 }, 320)).toBe(4);
    expect(jpegScaleFor({ width: 300, height: 200 }, 320)).toBe(1);
    // Left half red, right half blue, 3000 × 2000: decoded at 1/8 (375 × 250), then shrunk to 320 × 213.
    const [w, h] = [3000, 2000];
    const data = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) data.writeUInt32BE(i % w < w / 2 ? 0xdc1e1eff : 0x1e1edcff, i * 4);
    const t = (await makeThumbnail(new Uint8Array(jpeg.encode({ data, width: w, height: h }, 90).data), 'image/jpeg'))!;
    expect(t).toMatchObject({ width: 320, height: 213 });
    const back = jpeg.decode(t.bytes);
    const at = (x: number, y: number) => Array.from(back.data.subarray((y * back.width + x) * 4, (y * back.width + x) * 4 + 3));
    for (const [x, y] of [
      [40, 30],
      [120, 180],
      [150, 100],
    ] as const) {
      const [r, g, b] = at(x, y);
      expect(r).toBeGreaterThan(180);
      expect(g).toBeLessThan(70);
      expect(b).toBeLessThan(70);
    }
    for (const [x, y] of [
      [200, 30],
      [280, 180],
      [170, 100],
    ] as const) {
      const [r, g, b] = at(x, y);
      expect(b).toBeGreaterThan(180);
      expect(r).toBeLessThan(70);
      expect(g).toBeLessThan(70);
    }
  });

  it('a damaged JPEG gets no preview or a fallback one, and the decoder still works afterwards', async () => {
    const good = jpegOf(1200, 800);
    const sos = good.findIndex((b, i) => b === 0xff && good[i + 1] === 0xda);
    const damaged = [good.subarray(0, sos + 40), Uint8Array.from(good, (b, i) => (i > sos + 20 && i % 97 === 0 ? 0xff : b)), good.slice()];
    damaged[2]![sos + 5] = 0x09; // an SOS naming a component the frame does not have
    for (const bytes of damaged) {
      const t = await makeThumbnail(bytes, 'image/jpeg');
      if (t !== null) expect(t).toMatchObject({ mediaType: 'image/jpeg', width: 320, height: 213 });
    }
    expect(await makeThumbnail(good, 'image/jpeg')).toMatchObject({ width: 320, height: 213 });
  });

  it('a PNG screenshot becomes a JPEG preview; a small image keeps its size', async () => {
    expect(await makeThumbnail(pngOf(1600, 900), 'image/png')).toMatchObject({ mediaType: 'image/jpeg', width: 320, height: 180 });
    expect(await makeThumbnail(pngOf(40, 30), 'image/png')).toMatchObject({ width: 40, height: 30 });
  });

  it('refuses decompression bombs from the header, before decoding', async () => {
    const png = pngOf(8, 8);
    new DataView(png.buffer).setUint32(16, 30_000);
    new DataView(png.buffer).setUint32(20, 30_000);
    expect(declaredSize(png, 'image/png')).toEqual({ width: 30_000, height: 30_000 });
    await expect(makeThumbnail(png, 'image/png')).rejects.toBeInstanceOf(ThumbnailError);
    const jpg = jpegOf(16, 16);
    const sof = jpg.findIndex((b, i) => b === 0xff && jpg[i + 1] === 0xc0);
    new DataView(jpg.buffer).setUint16(sof + 5, 65_000);
    new DataView(jpg.buffer).setUint16(sof + 7, 65_000);
    expect(65_000 * 65_000).toBeGreaterThan(MAX_SOURCE_PIXELS);
    await expect(makeThumbnail(jpg, 'image/jpeg')).rejects.toMatchObject({ code: 'thumbnail_too_many_pixels' });
  });

  it('a broken image or another type has no preview', async () => {
    const jpg = jpegOf(400, 300);
    expect(await makeThumbnail(jpg.subarray(0, 600), 'image/jpeg')).toBeNull();
    expect(await makeThumbnail(new Uint8Array([1, 2, 3]), 'image/png')).toBeNull();
    expect(await makeThumbnail(jpg, 'application/pdf')).toBeNull();
  });

  it('is stored as its own encrypted object and reads back verified', async () => {
    const store = new LocalAttachmentStore({ directory: dir });
    const photo = jpegOf(1000, 1000);
    const thumbnail = (await makeThumbnail(photo, 'image/jpeg'))!;
    const limits = attachmentSendLimits({ attachmentMaxSize: 'unlimited', attachmentBlockedTypes: null });
    const d = await uploadFile({ provider, store }, limits, { bytes: photo, fileName: 'photo.jpg' }, { thumbnail });
    expect(d.thumbnail).toMatchObject({ mediaType: 'image/jpeg', width: 320, height: 320, size: thumbnail.bytes.length });
    expect(readdirSync(dir).length).toBe(2);
    expect(await readThumbnail({ provider, store }, d.thumbnail!)).toEqual(thumbnail.bytes);
  });
});
