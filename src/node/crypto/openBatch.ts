/**
 * The verify-then-decrypt step of opening a signed, AES-256-GCM-sealed message (an envelope,
 * docs/protocol.md §7.4) as one provider call: Ed25519-verify the signature over the signing input and,
 * only when it verifies, decrypt — the answer is the plaintext, 'bad_signature' or 'bad_tag', exactly what
 * `ed25519Verify` followed by `aes256GcmDecrypt` answer. Calls arriving together (a catch-up page opened
 * with `Promise.all`) are coalesced and streamed to worker threads (coalescingBatch.ts `coalescingStreamed`):
 * each part of OPEN_CHUNK envelopes goes to a worker as soon as it has arrived, so workers verify and
 * decrypt while this thread still parses the rest of the page; once the page has arrived, the rest is
 * shared by demand (workers from the front, this thread from the back). Answers come back part by part,
 * so this thread decodes plaintexts while workers still work.
 */
import type { SignedAeadInput, SignedAeadResult } from '../../common/crypto/provider';
import { coalescingStreamed } from './coalescingBatch';
import { expectLength, gcmDecrypt } from './nodeSymmetric';
import type { ThreadEngine } from './threadShare';
import type { VerifyItem } from './verifyBatch';

/** Messages per part handed to a worker; a batch smaller than one part is opened in this thread. */
export const OPEN_CHUNK = 64;
/** Below this many messages a batch is opened in this thread (one part). */
export const OPEN_PARALLEL_MIN = OPEN_CHUNK;
/**
 * Parts a worker may hold while a page still arrives: enough to keep it busy while this thread parses
 * (~8 µs an envelope against ~50 µs of verify and decrypt), few enough that this thread keeps a share.
 * Measured on 2,000 envelopes (docs/benchmarks.md): 4-16 are alike; every part to the worker (32) is 30 % slower.
 */
export const OPEN_AHEAD_PARTS = 8;
/** Parts a worker holds once the page has arrived, while this thread takes parts from the back. */
export const OPEN_IN_HAND = 2;

/**
 * A part goes to a worker as one transferred buffer: FIELDS lengths (uint32) per item, then every item's
 * fields in order. The answer comes back the same way: one int32 per item (the plaintext length, or
 * BAD_SIGNATURE / BAD_TAG), then the plaintexts. Cloning seven small byte arrays per item cost more than
 * the decryption. The part's buffer holds conversation keys: it is transferred (this thread keeps no copy)
 * and the worker wipes it once the part is answered.
 */
const FIELDS = 7;
const BAD_SIGNATURE = -1;
const BAD_TAG = -2;

function pack(items: readonly SignedAeadInput[]): { payload: { buffer: ArrayBuffer; count: number }; transfer: ArrayBuffer[] } {
  const head = items.length * FIELDS * 4;
  let size = head;
  for (const it of items)
    size += it.publicKey.length + it.signingInput.length + it.signature.length + it.key.length + it.nonce.length + it.sealed.length + it.aad.length;
  const buffer = new ArrayBuffer(size);
  const lengths = new Uint32Array(buffer, 0, items.length * FIELDS);
  const bytes = new Uint8Array(buffer);
  let l = 0;
  let o = head;
  for (const it of items) {
    for (const field of [it.publicKey, it.signingInput, it.signature, it.key, it.nonce, it.sealed, it.aad]) {
      lengths[l++] = field.length;
      bytes.set(field, o);
      o += field.length;
    }
  }
  return { payload: { buffer, count: items.length }, transfer: [buffer] };
}

function unpack(answer: unknown, count: number): SignedAeadResult[] {
  if (!(answer instanceof ArrayBuffer) || answer.byteLength < count * 4) throw new TypeError('open worker: malformed answer');
  const codes = new Int32Array(answer, 0, count);
  const results: SignedAeadResult[] = [];
  let o = count * 4;
  for (let i = 0; i < count; i++) {
    const code = codes[i] as number;
    if (code === BAD_SIGNATURE) results.push('bad_signature');
    else if (code === BAD_TAG) results.push('bad_tag');
    else {
      if (code < 0 || o + code > answer.byteLength) throw new TypeError('open worker: malformed answer');
      results.push(new Uint8Array(answer, o, code));
      o += code;
    }
  }
  return results;
}

/** The worker's side: reads a part, verifies then decrypts (as nodeSymmetric.ts `gcmDecrypt`), answers as `unpack` reads. */
const WORKER_OPEN = `
const { createDecipheriv } = require('node:crypto');
function decrypt(key, nonce, sealed, aad) {
  if (sealed.length < 16) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    const head = decipher.update(sealed.subarray(0, sealed.length - 16));
    return Buffer.concat([head, decipher.final()]);
  } catch {
    return null;
  }
}
parentPort.on('message', ({ id, items: { buffer, count } }) => {
  const lengths = new Uint32Array(buffer, 0, count * ${FIELDS});
  const bytes = new Uint8Array(buffer);
  const codes = new Int32Array(count);
  const plaintexts = [];
  let size = count * 4;
  for (let i = 0, l = 0, o = count * ${FIELDS * 4}; i < count; i++) {
    const f = [];
    for (let k = 0; k < ${FIELDS}; k++, l++) {
      f.push(bytes.subarray(o, o + lengths[l]));
      o += lengths[l];
    }
    const [publicKey, message, signature, key, nonce, sealed, aad] = f;
    if (!verify({ publicKey, message, signature })) {
      codes[i] = ${BAD_SIGNATURE};
      continue;
    }
    const plaintext = decrypt(key, nonce, sealed, aad);
    if (plaintext === null) {
      codes[i] = ${BAD_TAG};
      continue;
    }
    codes[i] = plaintext.length;
    plaintexts.push(plaintext);
    size += plaintext.length;
  }
  const answer = new Uint8Array(size);
  answer.set(new Uint8Array(codes.buffer), 0);
  let o = count * 4;
  for (const p of plaintexts) {
    answer.set(p, o);
    o += p.length;
  }
  bytes.fill(0);
  parentPort.postMessage({ id, results: answer.buffer }, [answer.buffer]);
});`;

/** A compact copy of an item (the engine's fallback shape; parts go `packed`). */
const compact = (item: SignedAeadInput): SignedAeadInput => ({
  publicKey: item.publicKey.slice(),
  signingInput: item.signingInput.slice(),
  signature: item.signature.slice(),
  key: item.key.slice(),
  nonce: item.nonce.slice(),
  sealed: item.sealed.slice(),
  aad: item.aad.slice(),
});

/**
 * The batched verify-then-decrypt of a provider: `verify` is its Ed25519 check in this thread,
 * `verifySource` worker script text that defines `verify(item)` the same way (and `parentPort`).
 */
export function verifyThenDecryptBatched(verify: (item: VerifyItem) => boolean, verifySource: string): (input: SignedAeadInput) => Promise<SignedAeadResult> {
  const openHere = (item: SignedAeadInput): SignedAeadResult => {
    if (!verify({ publicKey: item.publicKey, message: item.signingInput, signature: item.signature })) return 'bad_signature';
    return gcmDecrypt(item.key, item.nonce, item.sealed, item.aad) ?? 'bad_tag';
  };
  const engine: ThreadEngine<SignedAeadInput, SignedAeadResult> = {
    here: (items) => items.map(openHere),
    workerSource: `${verifySource}${WORKER_OPEN}`,
    compact,
    packed: { pack, unpack },
  };
  const open = coalescingStreamed(engine, { chunk: OPEN_CHUNK, aheadWhileArriving: OPEN_AHEAD_PARTS, inHand: OPEN_IN_HAND });
  return (input) => {
    expectLength(input.key, 32, 'AES-256-GCM key');
    expectLength(input.nonce, 12, 'AES-GCM nonce');
    return open(input);
  };
}
