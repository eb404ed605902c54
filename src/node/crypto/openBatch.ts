/**
 * The verify-then-decrypt step of opening a signed, AES-256-GCM-sealed message (an envelope,
 * docs/protocol.md §7.4) as one provider call: Ed25519-verify the signature over the signing input and,
 * only when it verifies, decrypt — the answer is the plaintext, 'bad_signature' or 'bad_tag', exactly what
 * `ed25519Verify` followed by `aes256GcmDecrypt` answer. Calls arriving together (a catch-up page opened
 * with `Promise.all`) are coalesced (coalescingBatch.ts); a large batch is shared with worker threads, so
 * the decryption moves off this thread with the signature check, and this thread keeps a smaller share
 * (OPEN_HERE_WEIGHT) because it also parses every envelope before and decodes every plaintext after.
 * Worker answers come back in parts (OPEN_CHUNK), so this thread decodes some while workers still work.
 */
import type { SignedAeadInput, SignedAeadResult } from '../../common/crypto/provider';
import { coalescing } from './coalescingBatch';
import { expectLength, gcmDecrypt } from './nodeSymmetric';
import type { ThreadEngine } from './threadShare';
import type { VerifyItem } from './verifyBatch';

/** Below this many messages a batch is opened in this thread. */
export const OPEN_PARALLEL_MIN = 48;
/** This thread's share of a large batch relative to one worker's. */
export const OPEN_HERE_WEIGHT = 0.5;
/** Messages per part handed to a worker. */
export const OPEN_CHUNK = 64;

/** AES-256-GCM open for a worker: the same steps as nodeSymmetric.ts `gcmDecrypt`, into a buffer of its own. */
const WORKER_OPEN = `
const { createDecipheriv } = require('node:crypto');
function open(item) {
  if (!verify({ publicKey: item.publicKey, message: item.signingInput, signature: item.signature })) return 'bad_signature';
  const { key, nonce, sealed, aad } = item;
  if (sealed.length < 16) return 'bad_tag';
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    const head = decipher.update(sealed.subarray(0, sealed.length - 16));
    const tail = decipher.final();
    const out = new Uint8Array(head.length + tail.length);
    out.set(head, 0);
    out.set(tail, head.length);
    return out;
  } catch {
    return 'bad_tag';
  }
}
parentPort.on('message', ({ id, items }) => parentPort.postMessage({ id, results: items.map(open) }));`;

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
  };
  const open = coalescing(engine, { min: OPEN_PARALLEL_MIN, hereWeight: OPEN_HERE_WEIGHT, chunk: OPEN_CHUNK });
  return (input) => {
    expectLength(input.key, 32, 'AES-256-GCM key');
    expectLength(input.nonce, 12, 'AES-GCM nonce');
    return open(input);
  };
}
