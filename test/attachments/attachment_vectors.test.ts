/**
 * Replays test/vectors/attachments.json (docs/protocol.md §20) from the file alone, as an outside
 * implementation would: every valid case re-encrypts byte for byte with its key and salt and decrypts; every
 * tampered stream fails with its code after releasing exactly the recorded plaintext; every descriptor parses
 * or fails as recorded. An independent decryption written here with plain node:crypto (hkdfSync and
 * createDecipheriv, none of the project's code) opens the valid cases too.
 */
import { createDecipheriv, createHash, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { payloadKeyInfo, derivePayloadKey, chunkNonce } from '../../src/common/attachments/chunkCipher';
import { parseAttachmentDescriptor } from '../../src/common/attachments/descriptor';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import { readAttachment } from '../../src/node/attachments/attachmentFiles';
import { decryptAttachment } from '../../src/node/attachments/decryptAttachment';
import { encryptAttachment } from '../../src/node/attachments/encryptAttachment';
import { buildAttachmentVectors } from '../vectors/build/attachments';
import { provider } from '../crypto/fixtures';
import { collect, drain, pattern, piecesOf } from './streams';

/* eslint-disable @typescript-eslint/no-explicit-any -- the vector file is untyped JSON, read field by field */
type Case = Record<string, any>;
const file = JSON.parse(readFileSync(join(__dirname, '..', 'vectors', 'attachments.json'), 'utf8')) as Record<string, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */
const plaintextOf = (c: Case) => (typeof c.plaintext === 'string' ? fromHex(c.plaintext) : pattern(c.size));

/** Decrypts a vector's ciphertext with node:crypto only, following docs/protocol.md §20.3 to the letter. */
function independentDecrypt(c: Case, ciphertext: Buffer): Buffer {
  const header = ciphertext.subarray(0, 45);
  expect(header.subarray(0, 9).toString('latin1')).toBe('seed-att\x01');
  const chunkSize = header.readUInt32BE(9);
  const label = Buffer.from('seed-attachment-payload-v1');
  const prefix = header.subarray(0, 13);
  const info = Buffer.concat([Buffer.from([0, 0, 0, label.length]), label, Buffer.from([0, 0, 0, prefix.length]), prefix]);
  const payloadKey = Buffer.from(hkdfSync('sha256', fromHex(c.fileKey), header.subarray(13, 45), info, 32));
  const n = Math.max(1, Math.ceil(c.size / chunkSize));
  const out: Buffer[] = [];
  let at = 45;
  for (let i = 0; i < n; i++) {
    const length = (i < n - 1 ? chunkSize : c.size - (n - 1) * chunkSize) + 16;
    const sealed = ciphertext.subarray(at, at + length);
    at += length;
    const nonce = Buffer.alloc(12);
    nonce.writeUIntBE(i, 5, 6);
    nonce[11] = i === n - 1 ? 1 : 0;
    const d = createDecipheriv('aes-256-gcm', payloadKey, nonce);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    out.push(d.update(sealed.subarray(0, sealed.length - 16)), d.final());
  }
  expect(at).toBe(ciphertext.length);
  return Buffer.concat(out);
}

describe('attachments.json', () => {
  it('is reproduced byte for byte by its generator', async () => {
    expect(readFileSync(join(__dirname, '..', 'vectors', 'attachments.json'), 'utf8')).toBe(
      `${JSON.stringify(await buildAttachmentVectors(provider), null, 2)}\n`,
    );
  });

  it.each(file.valid as Case[])('valid: $name', async (c) => {
    const plaintext = plaintextOf(c);
    expect(toHex(payloadKeyInfo(c.chunkSize))).toBe(c.payloadKeyInfo);
    expect(toHex(await derivePayloadKey(provider, fromHex(c.fileKey), fromHex(c.salt), c.chunkSize))).toBe(c.payloadKey);
    for (const chunk of c.chunks) expect(toHex(chunkNonce(chunk.index, chunk.last))).toBe(chunk.nonce);
    const encryption = encryptAttachment(provider, piecesOf(plaintext, 1000), { fileKey: fromHex(c.fileKey), salt: fromHex(c.salt), chunkSize: c.chunkSize });
    const ciphertext = await collect(encryption);
    expect(ciphertext.length).toBe(c.ciphertextSize);
    expect(toHex(ciphertext.subarray(0, 45))).toBe(c.header);
    if (c.ciphertext) expect(toHex(ciphertext)).toBe(c.ciphertext);
    expect(toHex(encryption.result().sha256)).toBe(c.sha256);
    expect(toHex(ciphertext.subarray(ciphertext.length - c.chunks.at(-1).ciphertext.length / 2))).toBe(c.chunks.at(-1).ciphertext);
    const expected = { fileKey: fromHex(c.fileKey), size: c.size, chunkSize: c.chunkSize, sha256: fromHex(c.sha256) };
    expect(toHex(await collect(decryptAttachment(provider, piecesOf(ciphertext, 7), expected)))).toBe(toHex(plaintext));
    expect(createHash('sha256').update(ciphertext).digest('hex')).toBe(c.sha256);
    expect(toHex(independentDecrypt(c, Buffer.from(ciphertext)))).toBe(toHex(plaintext));
  });

  it.each(file.invalid as Case[])('invalid: $name → $error', async (c) => {
    const expected = { fileKey: fromHex(c.fileKey), size: c.size, chunkSize: c.chunkSize, sha256: fromHex(c.sha256) };
    const { emitted, error } = await drain(decryptAttachment(provider, piecesOf(fromHex(c.ciphertext), 50), expected));
    expect(error).toMatchObject({ code: c.error });
    expect(toHex(emitted)).toBe(c.emitted);
  });

  it.each(file.descriptors.valid as Case[])('valid descriptor: $name', async (c) => {
    const d = parseAttachmentDescriptor(c.descriptor);
    const ciphertext = fromHex(c.ciphertext);
    let at = 0;
    const objects = new Map(d.parts.map((p) => [p.ref, ciphertext.subarray(at, (at += p.size))]));
    const plaintext = await collect(readAttachment(provider, d, (ref) => piecesOf(objects.get(ref)!, 33)));
    expect(toHex(plaintext)).toBe(toHex(pattern(d.size)));
  });

  it.each(file.descriptors.invalid as Case[])('invalid descriptor: $name → $error', (c) => {
    expect(() => parseAttachmentDescriptor(c.descriptor)).toThrow(expect.objectContaining({ code: c.error }));
  });
});
