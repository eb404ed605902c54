/**
 * The app icon (docs/deployment.md, "Icons"): build/icon.png is a real 1024×1024 RGBA PNG drawn by
 * build/icon.mjs, committed exactly as the generator draws it, with a transparent margin, the tile
 * colour and the white bubble where the design puts them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { trayIconPath } from '../../src/main/desktop/trayModel';

const repo = join(__dirname, '..', '..');
const { renderIconPng, SIZE } = (await import(join(repo, 'build/icon.mjs'))) as { renderIconPng(): Buffer; SIZE: number };

function decode(png: Buffer) {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  const types: string[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    types.push(type);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([...data.subarray(8, 13)]).toEqual([8, 6, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = (x: number, y: number) => [...raw.subarray(y * (width * 4 + 1) + 1 + x * 4, y * (width * 4 + 1) + 5 + x * 4)];
  return { width, height, types, rawLength: raw.length, rgba };
}

describe('app icon', () => {
  const committed = readFileSync(join(repo, 'build/icon.png'));

  it('is the deterministic output of build/icon.mjs', () => {
    expect(Buffer.compare(renderIconPng(), committed)).toBe(0);
  });

  it('is a 1024x1024 RGBA PNG with a transparent margin, a coloured tile and the white bubble', () => {
    const png = decode(committed);
    expect([png.width, png.height]).toEqual([SIZE, SIZE]);
    expect(png.types).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(png.rawLength).toBe(SIZE * (SIZE * 4 + 1));
    expect(png.rgba(10, 10)).toEqual([0, 0, 0, 0]);
    const tile = png.rgba(512, 150);
    expect(tile[3]).toBe(255);
    expect(tile[1]).toBeGreaterThan(tile[0] ?? 0);
    expect(png.rgba(300, 470)).toEqual([255, 255, 255, 255]);
    expect(png.rgba(512, 430)).not.toEqual([255, 255, 255, 255]);
  });

  it('ships in packaged builds where the tray looks for it', () => {
    const requireHere = createRequire(__filename);
    const builder = requireHere(join(repo, 'electron-builder.config.cjs')) as {
      createBuilderConfig(env: Record<string, string>): { extraResources: { from: string; to: string }[] };
    };
    const shipped = builder.createBuilderConfig({}).extraResources.find((r) => r.from === 'build/icon.png');
    expect(shipped).toBeDefined();
    expect(trayIconPath({ isPackaged: true, appPath: '/app', resourcesPath: '/res' })).toBe(join('/res', shipped?.to ?? '-'));
    expect(trayIconPath({ isPackaged: false, appPath: '/app', resourcesPath: '/res' })).toBe(join('/app', 'build/icon.png'));
  });
});
