/**
 * Draws the Seed Messenger app icon and writes it as build/icon.png (1024×1024 RGBA), from which
 * electron-builder derives the .ico, .icns and Linux icon sizes (issue 9). A white speech bubble with a
 * keyhole on a teal-to-blue rounded square, with macOS's standard 100 px margin. Drawn from signed
 * distance functions with one-pixel anti-aliasing and encoded as PNG (RFC 2083: IHDR, IDAT, IEND, CRC-32)
 * with node:zlib, so the output is identical on every run. `node build/icon.mjs [--check]`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';

export const SIZE = 1024;
const OUT = join(dirname(fileURLToPath(import.meta.url)), 'icon.png');

const TOP = [0x1f, 0xa3, 0x8a];
const BOTTOM = [0x1d, 0x4e, 0x89];

/** Signed distance to a rounded rectangle centred at (cx, cy) with half-extents (hw, hh) and radius r. */
function roundedRect(x, y, cx, cy, hw, hh, r) {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function circle(x, y, cx, cy, r) {
  return Math.hypot(x - cx, y - cy) - r;
}

/** Distance to the nearest edge of the triangle a-b-c (unsigned). */
function edgeDistance(x, y, [ax, ay], [bx, by], [cx, cy]) {
  let d = Infinity;
  for (const [x0, y0, x1, y1] of [
    [ax, ay, bx, by],
    [bx, by, cx, cy],
    [cx, cy, ax, ay],
  ]) {
    const ex = x1 - x0;
    const ey = y1 - y0;
    const t = Math.min(Math.max(((x - x0) * ex + (y - y0) * ey) / (ex * ex + ey * ey), 0), 1);
    d = Math.min(d, Math.hypot(x - x0 - ex * t, y - y0 - ey * t));
  }
  return d;
}

function insideTriangle(x, y, a, b, c) {
  const sign = (p, q, r) => (p[0] - r[0]) * (q[1] - r[1]) - (q[0] - r[0]) * (p[1] - r[1]);
  const p = [x, y];
  const d1 = sign(p, a, b);
  const d2 = sign(p, b, c);
  const d3 = sign(p, c, a);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

/** Signed distance to the triangle a-b-c. */
function triangleSdf(x, y, a, b, c) {
  const d = edgeDistance(x, y, a, b, c);
  return insideTriangle(x, y, a, b, c) ? -d : d;
}

const cover = (d) => Math.min(Math.max(0.5 - d, 0), 1);

const TAIL = [
  [372, 600],
  [500, 640],
  [330, 760],
];

function pixel(x, y) {
  const tile = cover(roundedRect(x, y, 512, 512, 412, 412, 185));
  if (tile === 0) return [0, 0, 0, 0];
  const t = (y - 100) / 824;
  const bg = TOP.map((v, i) => v + ((BOTTOM[i] ?? v) - v) * Math.min(Math.max(t, 0), 1));
  const bubble = Math.min(roundedRect(x, y, 512, 470, 270, 200, 130), triangleSdf(x, y, ...TAIL));
  const keyhole = Math.min(circle(x, y, 512, 430, 58), triangleSdf(x, y, [512, 420], [565, 560], [459, 560]));
  const white = cover(bubble) * (1 - cover(keyhole));
  const rgb = bg.map((v) => Math.round(v + (255 - v) * white));
  return [...rgb, Math.round(255 * tile)];
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export function renderIconPng() {
  const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) {
    const row = y * (SIZE * 4 + 1);
    raw[row] = 0;
    for (let x = 0; x < SIZE; x++) {
      const [r, g, b, a] = pixel(x + 0.5, y + 0.5);
      raw.set([r, g, b, a], row + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

function main() {
  const png = renderIconPng();
  if (process.argv.includes('--check')) {
    const same = Buffer.compare(readFileSync(OUT), png) === 0;
    console.log(same ? 'build/icon.png is up to date' : 'build/icon.png is out of date: run node build/icon.mjs');
    process.exitCode = same ? 0 : 1;
    return;
  }
  writeFileSync(OUT, png);
  console.log(`wrote build/icon.png (${SIZE}x${SIZE}, ${png.length} bytes)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
