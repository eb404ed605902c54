/**
 * Test helper: decrypts EVERY page of an SQLCipher 4 database file made with a raw 256-bit key (the local
 * store's format: 4,096-byte pages, 80 reserved bytes per page holding the 16-byte IV and the HMAC) and
 * every frame of its WAL, free pages and unused cell space included, independently of SQLite — so a scan of
 * the result finds text a deleted row left behind, which a `SELECT` (or `sqlcipher_export`, which copies
 * live rows only) never shows. The HMAC is not checked: this reads, it does not verify.
 */
import { createDecipheriv } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

const PAGE = 4096;
const RESERVE = 80;
const WAL_HEADER = 32;
const FRAME_HEADER = 24;

function decryptPage(key: Uint8Array, page: Buffer, first: boolean): Buffer {
  const start = first ? 16 : 0; // page 1 begins with the file's salt, in clear
  const iv = page.subarray(PAGE - RESERVE, PAGE - RESERVE + 16);
  const d = createDecipheriv('aes-256-cbc', key, iv);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(page.subarray(start, PAGE - RESERVE)), d.final()]);
}

/** The decrypted bytes of every page of `path` and of every frame of `path-wal`, concatenated. */
export function decryptedStoreBytes(path: string, key: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  const file = readFileSync(path);
  for (let off = 0; off + PAGE <= file.length; off += PAGE) parts.push(decryptPage(key, file.subarray(off, off + PAGE), off === 0));
  const walPath = `${path}-wal`;
  if (existsSync(walPath)) {
    const wal = readFileSync(walPath);
    for (let off = WAL_HEADER; off + FRAME_HEADER + PAGE <= wal.length; off += FRAME_HEADER + PAGE) {
      const pageNo = wal.readUInt32BE(off);
      parts.push(decryptPage(key, wal.subarray(off + FRAME_HEADER, off + FRAME_HEADER + PAGE), pageNo === 1));
    }
  }
  return Buffer.concat(parts);
}
