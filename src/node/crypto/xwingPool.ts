/**
 * Many X-Wing encapsulations at once, spread over the machine's cores like the X25519 agreements of
 * ephemeralPool.ts: a 1,000 × 2 rotation to post-quantum devices makes 2,000 X-Wing wraps, and their
 * Encapsulate (draft-connolly-cfrg-xwing-kem §5.3; src/common/crypto/xwing.ts) — ML-KEM-768 in pure
 * JavaScript, the X25519 half, the SHA3-256 combiner — is nearly all of the wrap cost. This thread computes
 * one share while worker threads (threadShare.ts) compute the others. The ML-KEM coins and the X25519
 * ephemeral key of every encapsulation are made from the provider's CSPRNG, used once and wiped (or
 * dropped, for a `node:crypto` KeyObject) inside the thread that computes it; only the shared secret and
 * the ciphertext come back, in the caller's order, and a refused key is an `invalid_public_key` result for
 * that key alone.
 *
 * Each provider brings its X25519 (and CSPRNG) as the same steps twice — `agree`/`fillRandom` here and as
 * worker script text (ephemeralPool.ts, sodiumProvider.ts); ML-KEM-768 and SHA3-256 are the same
 * `@noble/post-quantum` and `@noble/hashes` modules in both places: a worker imports them from the files
 * this thread resolves. When they cannot be resolved (a bundle without node_modules), or a worker fails,
 * the batch runs here, the same way.
 */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { XWingEncapsulationResult } from '../../common/crypto/provider';
import {
  MLKEM_CIPHERTEXT_LENGTH,
  MLKEM_PUBLIC_KEY_LENGTH,
  XWING_CIPHERTEXT_LENGTH,
  XWING_PUBLIC_KEY_LENGTH,
  XWING_SHARED_SECRET_LENGTH,
  xwingCombiner,
} from '../../common/crypto/xwing';
import type { EphemeralResult } from './ephemeralPool';
import { shareWorkBalanced, type ThreadEngine } from './threadShare';

/** Below this many encapsulations a batch runs here (one encapsulation costs several hundred µs). */
export const XWING_PARALLEL_MIN = 16;
/** Encapsulations per part (threadShare.ts `shareWorkBalanced`): a few ms of work, a ~20 KB message. */
export const XWING_CHUNK = 16;

/** Per key in a worker's answer: the shared secret ‖ the ciphertext. */
const ANSWER_STRIDE = XWING_SHARED_SECRET_LENGTH + XWING_CIPHERTEXT_LENGTH;

/** How a provider makes the X25519 half and the ML-KEM coins, in this thread. */
export interface XWingParts {
  /** A fresh ephemeral X25519 agreement with `pkX` (ephemeralPool.ts `EphemeralResult`). */
  readonly agree: (pkX: Uint8Array) => EphemeralResult;
  /** Fills `bytes` from the provider's CSPRNG. */
  readonly fillRandom: (bytes: Uint8Array) => void;
  /**
   * The same as worker script text: defines `parentPort`, `agree(pkX)` (answering
   * `{ephemeralPublicKey, dh}` or `{error}`) and `fillRandom(bytes)`.
   */
  readonly workerPrelude: string;
}

/** One Encapsulate(pk) (xwing.ts `xwingEncapsulate`, synchronously on the provider's parts). */
function encapsulateOne(pk: Uint8Array, parts: XWingParts): XWingEncapsulationResult {
  const pkM = pk.subarray(0, MLKEM_PUBLIC_KEY_LENGTH);
  const pkX = pk.subarray(MLKEM_PUBLIC_KEY_LENGTH);
  const m = new Uint8Array(32);
  parts.fillRandom(m);
  let ml: { sharedSecret: Uint8Array; cipherText: Uint8Array };
  try {
    ml = ml_kem768.encapsulate(pkM, m);
  } catch {
    // FIPS 203 §7.2 input check: a coefficient of the key ≥ q.
    return { error: 'invalid_public_key' };
  } finally {
    m.fill(0);
  }
  const x = parts.agree(pkX);
  if ('error' in x) {
    ml.sharedSecret.fill(0);
    return { error: 'invalid_public_key' };
  }
  const sharedSecret = xwingCombiner(ml.sharedSecret, x.dh, x.ephemeralPublicKey, pkX);
  ml.sharedSecret.fill(0);
  x.dh.fill(0);
  const ciphertext = new Uint8Array(XWING_CIPHERTEXT_LENGTH);
  ciphertext.set(ml.cipherText, 0);
  ciphertext.set(x.ephemeralPublicKey, MLKEM_CIPHERTEXT_LENGTH);
  return { sharedSecret, ciphertext };
}

/**
 * `encapsulateOne` for a worker, after the provider's prelude: a part arrives as one transferred buffer of
 * encapsulation keys; the answer is one transferred buffer, a status byte per key (1 answered, 0 refused)
 * then per key the shared secret ‖ the ciphertext (zeros when refused). The noble modules are imported from
 * the files this thread resolved; a worker that cannot import them fails, and its parts run here.
 */
function workerSource(prelude: string, mlKemUrl: string, sha3Url: string): string {
  return `${prelude}
const LABEL = Uint8Array.of(0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c);
const PK = ${XWING_PUBLIC_KEY_LENGTH}, PK_M = ${MLKEM_PUBLIC_KEY_LENGTH}, CT_M = ${MLKEM_CIPHERTEXT_LENGTH}, SS = ${XWING_SHARED_SECRET_LENGTH}, STRIDE = ${ANSWER_STRIDE};
let mlkem, sha3;
const loaded = Promise.all([import(${JSON.stringify(mlKemUrl)}), import(${JSON.stringify(sha3Url)})]).then(([k, h]) => {
  mlkem = k.ml_kem768;
  sha3 = h.sha3_256;
});
loaded.catch((err) => setImmediate(() => {
  throw err;
}));
function encapsulate(pk, out) {
  const pkM = pk.subarray(0, PK_M), pkX = pk.subarray(PK_M);
  const m = new Uint8Array(32);
  fillRandom(m);
  let ml;
  try {
    ml = mlkem.encapsulate(pkM, m);
  } catch {
    return 0;
  } finally {
    m.fill(0);
  }
  const x = agree(pkX);
  if (x.error) {
    ml.sharedSecret.fill(0);
    return 0;
  }
  const input = new Uint8Array(128 + LABEL.length);
  input.set(ml.sharedSecret, 0);
  input.set(x.dh, 32);
  input.set(x.ephemeralPublicKey, 64);
  input.set(pkX, 96);
  input.set(LABEL, 128);
  const ss = sha3(input);
  out.set(ss, 0);
  ss.fill(0);
  input.fill(0);
  ml.sharedSecret.fill(0);
  x.dh.fill(0);
  out.set(ml.cipherText, SS);
  out.set(x.ephemeralPublicKey, SS + CT_M);
  return 1;
}
parentPort.on('message', ({ id, items: { buffer, count } }) => {
  loaded.then(() => {
    const keys = new Uint8Array(buffer);
    const answer = new Uint8Array(count + count * STRIDE);
    for (let i = 0; i < count; i++) {
      const out = answer.subarray(count + i * STRIDE, count + (i + 1) * STRIDE);
      answer[i] = encapsulate(keys.subarray(i * PK, (i + 1) * PK), out);
    }
    parentPort.postMessage({ id, results: answer.buffer }, [answer.buffer]);
  });
});`;
}

function pack(keys: readonly Uint8Array[]): { payload: { buffer: ArrayBuffer; count: number }; transfer: ArrayBuffer[] } {
  const buffer = new ArrayBuffer(keys.length * XWING_PUBLIC_KEY_LENGTH);
  const bytes = new Uint8Array(buffer);
  keys.forEach((k, i) => bytes.set(k, i * XWING_PUBLIC_KEY_LENGTH));
  return { payload: { buffer, count: keys.length }, transfer: [buffer] };
}

/** The worker's answer as results; the shared secrets are views of the (transferred) answer buffer, wiped by their users. */
function unpack(answer: unknown, count: number): XWingEncapsulationResult[] {
  if (!(answer instanceof ArrayBuffer) || answer.byteLength !== count + count * ANSWER_STRIDE) throw new TypeError('X-Wing worker: malformed answer');
  const status = new Uint8Array(answer, 0, count);
  const results: XWingEncapsulationResult[] = [];
  for (let i = 0; i < count; i++) {
    const at = count + i * ANSWER_STRIDE;
    if (status[i] === 1) {
      results.push({
        sharedSecret: new Uint8Array(answer, at, XWING_SHARED_SECRET_LENGTH),
        ciphertext: new Uint8Array(answer, at + XWING_SHARED_SECRET_LENGTH, XWING_CIPHERTEXT_LENGTH),
      });
    } else if (status[i] === 0) results.push({ error: 'invalid_public_key' });
    else throw new TypeError('X-Wing worker: malformed answer');
  }
  return results;
}

/** file: URLs of the two noble modules as this process resolves them, or undefined when it cannot. */
function nobleUrls(): { mlKem: string; sha3: string } | undefined {
  try {
    const load = createRequire(__filename);
    return { mlKem: pathToFileURL(load.resolve('@noble/post-quantum/ml-kem.js')).href, sha3: pathToFileURL(load.resolve('@noble/hashes/sha3.js')).href };
  } catch {
    return undefined;
  }
}

/** A provider's X-Wing engine (threadShare.ts); undefined workers when the noble modules cannot be found for them. */
export function xwingEngine(parts: XWingParts): ThreadEngine<Uint8Array, XWingEncapsulationResult> & { readonly workers: boolean } {
  const urls = nobleUrls();
  return {
    here: (keys) => keys.map((k) => encapsulateOne(k, parts)),
    workerSource: urls === undefined ? '' : workerSource(parts.workerPrelude, urls.mlKem, urls.sha3),
    compact: (k) => k.slice(),
    packed: { pack, unpack },
    workers: urls !== undefined,
  };
}

/**
 * The encapsulations for `keys` (1,216 bytes each, checked by the caller), in order: shared with the
 * engine's workers by demand when the batch is large (a cold or starved worker takes fewer parts).
 */
export async function xwingEncapsulateBatch(keys: readonly Uint8Array[], engine: ReturnType<typeof xwingEngine>): Promise<XWingEncapsulationResult[]> {
  if (!engine.workers) return engine.here(keys);
  return shareWorkBalanced(keys, engine, { min: XWING_PARALLEL_MIN, chunk: XWING_CHUNK });
}
