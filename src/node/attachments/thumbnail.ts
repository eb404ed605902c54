/**
 * Thumbnails made on the sending device before encryption (docs/protocol.md §20.5; docs/desktop.md "Files"):
 * a JPEG or PNG becomes a JPEG of at most THUMBNAIL_SIDE pixels a side and MAX_THUMBNAIL_SIZE bytes, which is
 * then encrypted as its own object. Decoders: for JPEG, libjpeg-turbo compiled to WebAssembly
 * (@cwasm/jpeg-turbo, MIT; libjpeg-turbo's own licence is BSD-style/IJG) called through its TurboJPEG API with
 * a DCT-scaled decode — a 4000 × 3000 photo is decoded straight to 500 × 375 (1/8: only each block's DC term is
 * inverse-transformed), several times faster than a full decode; mozjpeg in WebAssembly (@jsquash/jpeg,
 * Apache-2.0) decodes whatever libjpeg-turbo refuses or warns about, so odd files behave as before. pngjs (MIT)
 * for PNG. The output is always mozjpeg's JPEG (alpha is laid on white). The JPEG's embedded EXIF thumbnail is
 * never used: an edit (a crop, a redaction) may not have reached it.
 * Decompression bombs are refused from the header, before any pixel is decoded: more than
 * MAX_SOURCE_PIXELS is `thumbnail_too_many_pixels`. An image that does not decode has no thumbnail (null).
 */
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import { MAX_THUMBNAIL_SIZE } from '../../common/attachments/descriptor';
import { AppError } from '../../common/errors';

/** The longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIDE = 320;
/** The most pixels a source image may declare (50 MP: a 12-MP photo passes, a 30,000 × 30,000 bomb does not). */
export const MAX_SOURCE_PIXELS = 50_000_000;
/** Larger source files get no thumbnail (they are read whole to decode). */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

export interface MadeThumbnail {
  readonly bytes: Uint8Array;
  readonly mediaType: 'image/jpeg';
  readonly width: number;
  readonly height: number;
}

/** An image whose header declares more pixels than MAX_SOURCE_PIXELS. */
export class ThumbnailError extends AppError {
  constructor(width: number, height: number) {
    super('thumbnail_too_many_pixels', `the image declares ${width} × ${height} pixels, more than ${MAX_SOURCE_PIXELS} (no preview is made)`, 'validation');
    this.name = 'ThumbnailError';
  }
}

/** Width and height from a PNG's IHDR or a JPEG's SOF marker; undefined when the header is not one. */
export function declaredSize(bytes: Uint8Array, mediaType: string): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (mediaType === 'image/png') {
    if (bytes.length < 24 || view.getUint32(0) !== 0x89504e47 || view.getUint32(12) !== 0x49484452) return undefined;
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (mediaType !== 'image/jpeg' || bytes.length < 4 || view.getUint16(0) !== 0xffd8) return undefined;
  let at = 2;
  while (at + 9 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const length = view.getUint16(at + 2);
    // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    at += 2 + length;
  }
  return undefined;
}

type Rgba = { data: Uint8Array | Uint8ClampedArray; width: number; height: number };

/**
 * A thumbnail of an image file's bytes; null for a type without previews or an image that does not
 * decode; ThumbnailError for a decompression bomb.
 */
export async function makeThumbnail(bytes: Uint8Array, mediaType: string): Promise<MadeThumbnail | null> {
  if (mediaType !== 'image/jpeg' && mediaType !== 'image/png') return null;
  const size = declaredSize(bytes, mediaType);
  if (size === undefined || size.width < 1 || size.height < 1) return null;
  if (size.width * size.height > MAX_SOURCE_PIXELS) throw new ThumbnailError(size.width, size.height);
  let image: Rgba;
  try {
    image =
      mediaType === 'image/png'
        ? PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
        : (decodeJpegScaled(bytes, size, THUMBNAIL_SIDE) ?? (await decodeJpeg(bytes)));
  } catch {
    return null;
  }
  if (!sameShape(image, size)) return null;
  const small = shrink(image, THUMBNAIL_SIDE);
  for (const quality of [75, 60, 45, 30]) {
    const out = await encodeJpeg(small, quality);
    if (out.length <= MAX_THUMBNAIL_SIZE) return { bytes: out, mediaType: 'image/jpeg', width: small.width, height: small.height };
  }
  return null;
}

/** Whether a decoded image has the header's size, or that size scaled down by 1/2, 1/4 or 1/8 (rounded up). */
function sameShape(image: { width: number; height: number }, size: { width: number; height: number }): boolean {
  return SCALES.some((d) => image.width === Math.ceil(size.width / d) && image.height === Math.ceil(size.height / d));
}

/** The thumbnail of a file on disk (read whole only when at most MAX_SOURCE_BYTES). */
export async function thumbnailOfFile(path: string, mediaType: string): Promise<MadeThumbnail | null> {
  if (mediaType !== 'image/jpeg' && mediaType !== 'image/png') return null;
  if ((await stat(path)).size > MAX_SOURCE_BYTES) return null;
  return makeThumbnail(new Uint8Array(await readFile(path)), mediaType);
}

/**
 * Area-average downscale to fit `side` (alpha laid on white); an image already small enough is kept. Integer
 * sums in units of value × 255 (at most 50 MP / 320² ≈ 500 pixels × 65,025 per sum, far below 2^32) and a
 * precomputed column map keep the loop over a 12-megapixel source to a few adds per pixel.
 */
function shrink(image: Rgba, side: number): { data: Uint8ClampedArray; width: number; height: number } {
  const scale = Math.min(1, side / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const out = new Uint8ClampedArray(width * height * 4);
  const column = new Uint32Array(image.width);
  const columnPixels = new Uint32Array(width);
  for (let sx = 0; sx < image.width; sx++) {
    const x = Math.min(width - 1, Math.floor((sx * width) / image.width));
    column[sx] = x * 3;
    columnPixels[x] = columnPixels[x]! + 1;
  }
  const sums = new Uint32Array(width * 3);
  const src = image.data;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * image.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * image.height) / height));
    sums.fill(0);
    for (let sy = y0; sy < y1; sy++) {
      let o = sy * image.width * 4;
      for (let sx = 0; sx < image.width; sx++, o += 4) {
        const x = column[sx]!;
        const a = src[o + 3]!;
        const white = 255 * (255 - a);
        sums[x] = sums[x]! + src[o]! * a + white;
        sums[x + 1] = sums[x + 1]! + src[o + 1]! * a + white;
        sums[x + 2] = sums[x + 2]! + src[o + 2]! * a + white;
      }
    }
    for (let x = 0; x < width; x++) {
      const n = (columnPixels[x]! * (y1 - y0) || 1) * 255;
      const o = (y * width + x) * 4;
      out[o] = sums[x * 3]! / n;
      out[o + 1] = sums[x * 3 + 1]! / n;
      out[o + 2] = sums[x * 3 + 2]! / n;
      out[o + 3] = 255;
    }
  }
  return { data: out, width, height };
}

type Codec = { decode?: (b: ArrayBuffer) => Promise<Rgba>; encode?: (i: ImageDataLike, o: { quality: number }) => Promise<ArrayBuffer> };
type ImageDataLike = { data: Uint8ClampedArray; width: number; height: number; colorSpace: 'srgb' };
const codecs: { decode?: Promise<NonNullable<Codec['decode']>>; encode?: Promise<NonNullable<Codec['encode']>> } = {};

/** The WebAssembly global (Node has it; this layer's `lib` does not declare it). */
const wasm = (
  globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<unknown>; instantiate(m: unknown, imports: unknown): Promise<unknown> } }
).WebAssembly;

/** mozjpeg's WebAssembly, compiled from the package's file, for the codec's `init`. */
async function wasmInit(file: string): Promise<{ instantiateWasm: (imports: unknown, done: (instance: unknown) => void) => object }> {
  const module = await wasm.compile(readFileSync(createRequire(__filename).resolve(`@jsquash/jpeg/codec/${file}`)));
  return {
    instantiateWasm: (imports, done) => {
      void wasm.instantiate(module, imports).then(done);
      return {};
    },
  };
}

async function decodeJpeg(bytes: Uint8Array): Promise<Rgba> {
  codecs.decode ??= (async () => {
    const m = await import('@jsquash/jpeg/decode.js');
    await m.init((await wasmInit('dec/mozjpeg_dec.wasm')) as never);
    return m.default as unknown as NonNullable<Codec['decode']>;
  })();
  const copy = bytes.slice();
  return (await codecs.decode)(copy.buffer);
}

async function encodeJpeg(image: { data: Uint8ClampedArray; width: number; height: number }, quality: number): Promise<Uint8Array> {
  codecs.encode ??= (async () => {
    const m = await import('@jsquash/jpeg/encode.js');
    await m.init((await wasmInit('enc/mozjpeg_enc.wasm')) as never);
    return m.default as unknown as NonNullable<Codec['encode']>;
  })();
  return new Uint8Array(await (await codecs.encode)({ ...image, colorSpace: 'srgb' }, { quality }));
}

/** DCT scaling denominators, largest reduction first (libjpeg-turbo also has M/8 factors; these suffice). */
const SCALES = [8, 4, 2, 1] as const;
/** An instance whose memory grew past this (a progressive JPEG keeps every coefficient) is dropped after use. */
const TURBO_MEMORY_KEPT = 64 * 1024 * 1024;
/** TurboJPEG's TJPF_RGBA. */
const TJPF_RGBA = 7;

interface TurboExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  malloc(size: number): number;
  free(pointer: number): void;
  tjInitDecompress(): number;
  tjDecompressHeader3(handle: number, src: number, size: number, width: number, height: number, subsamp: number, colorspace: number): number;
  tjDecompress2(handle: number, src: number, size: number, dst: number, width: number, pitch: number, height: number, format: number, flags: number): number;
  tjDestroy(handle: number): number;
}

let turboModule: unknown;
let turbo: TurboExports | undefined;

/**
 * libjpeg-turbo's instance. Its error handler cannot return (setjmp is stubbed), so an error throws out of the
 * WebAssembly: the caller then drops the instance, whose heap may hold what the aborted decode allocated.
 */
function turboInstance(): TurboExports {
  if (turbo !== undefined) return turbo;
  const api = globalThis as unknown as {
    WebAssembly: { Module: new (b: Uint8Array) => unknown; Instance: new (m: unknown, i: unknown) => { exports: unknown } };
  };
  turboModule ??= new api.WebAssembly.Module(readFileSync(createRequire(__filename).resolve('@cwasm/jpeg-turbo/jpeg-turbo.wasm')));
  const refuse = (): never => {
    throw new Error('libjpeg-turbo stopped on an error');
  };
  const instance = new api.WebAssembly.Instance(turboModule, {
    env: { setjmp: () => 0, longjmp: refuse },
    wasi_snapshot_preview1: { environ_sizes_get: () => 0, environ_get: refuse, proc_exit: refuse, fd_close: refuse, fd_seek: refuse, fd_write: refuse },
  });
  turbo = instance.exports as TurboExports;
  return turbo;
}

/** The smallest DCT scale that still leaves the longest side at least `side` pixels (or the whole image). */
export function jpegScaleFor(size: { width: number; height: number }, side: number): number {
  const longest = Math.max(size.width, size.height);
  return SCALES.find((d) => Math.ceil(longest / d) >= Math.min(side, longest)) ?? 1;
}

/**
 * The JPEG decoded by libjpeg-turbo at the DCT scale that still covers a `side`-pixel thumbnail; undefined when
 * libjpeg-turbo refuses it or warns (a truncated or damaged file: the caller tries mozjpeg), or when the header
 * it reads is not the one `declaredSize` read.
 */
function decodeJpegScaled(bytes: Uint8Array, size: { width: number; height: number }, side: number): Rgba | undefined {
  const denominator = jpegScaleFor(size, side);
  const width = Math.ceil(size.width / denominator);
  const height = Math.ceil(size.height / denominator);
  let t: TurboExports | undefined;
  try {
    t = turboInstance();
    const input = t.malloc(bytes.length);
    const header = t.malloc(16);
    const output = t.malloc(width * height * 4);
    const handle = t.tjInitDecompress();
    try {
      if (input === 0 || header === 0 || output === 0 || handle === 0) return undefined;
      new Uint8Array(t.memory.buffer, input, bytes.length).set(bytes);
      if (t.tjDecompressHeader3(handle, input, bytes.length, header, header + 4, header + 8, header + 12) !== 0) return undefined;
      const [w, h] = new Int32Array(t.memory.buffer, header, 2);
      if (w !== size.width || h !== size.height) return undefined;
      if (t.tjDecompress2(handle, input, bytes.length, output, width, width * 4, height, TJPF_RGBA, 0) !== 0) return undefined;
      return { data: new Uint8Array(t.memory.buffer, output, width * height * 4).slice(), width, height };
    } finally {
      if (handle !== 0) t.tjDestroy(handle);
      t.free(output);
      t.free(header);
      t.free(input);
      if (t.memory.buffer.byteLength > TURBO_MEMORY_KEPT) turbo = undefined;
    }
  } catch {
    turbo = undefined;
    return undefined;
  }
}
