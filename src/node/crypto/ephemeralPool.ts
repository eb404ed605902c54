/**
 * Many ephemeral X25519 key agreements at once, spread over the machine's cores (docs/benchmarks.md,
 * "Performance work after the third report"): a rotation of a 1,000-member group makes 2,000 HPKE wraps,
 * and their X25519 work — a fresh key
 * pair, its public key as X25519(sk, 9), the DH with the recipient (RFC 9180 §4.1 Encap) — is ~90 % of the
 * wrap cost. This thread computes one share while worker threads compute the others; every ephemeral
 * private key is made, used once and dropped inside the thread that computes it, and only the public keys
 * and DH outputs come back, in the caller's order.
 *
 * The threads are shared by threadShare.ts (a batch smaller than PARALLEL_MIN runs here). Each provider
 * brings its own engine (`node:crypto` here; libsodium in sodiumProvider.ts): the steps for this thread and
 * the same steps as worker script text.
 */
import { createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { shareWork, type ThreadEngine } from './threadShare';

/** One agreement: the fresh public key, and the DH output or why there is none. */
export type EphemeralResult =
  { readonly ephemeralPublicKey: Uint8Array; readonly dh: Uint8Array } | { readonly error: 'invalid_public_key' | 'zero_shared_secret' };

/** Below this many agreements a batch is not worth a round trip to the workers. */
export const PARALLEL_MIN = 64;

/** The X25519 base point u = 9 (RFC 7748 §4.1): X25519(sk, 9) is the public key of sk (§6.1). */
const BASE_POINT_JWK = { kty: 'OKP', crv: 'X25519', x: Buffer.from(Uint8Array.of(9, ...new Array<number>(31).fill(0))).toString('base64url') };
let basePoint: KeyObject | undefined;

/** One agreement with `raw` (a 32-byte X25519 public key), in this thread. */
export function agreeOne(raw: Uint8Array): EphemeralResult {
  basePoint ??= createPublicKey({ key: BASE_POINT_JWK, format: 'jwk' });
  let peer: KeyObject;
  try {
    peer = createPublicKey({
      key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return { error: 'invalid_public_key' };
  }
  const { privateKey } = generateKeyPairSync('x25519');
  try {
    const pub = diffieHellman({ privateKey, publicKey: basePoint });
    const dh = diffieHellman({ privateKey, publicKey: peer });
    return { ephemeralPublicKey: new Uint8Array(pub.buffer, pub.byteOffset, pub.byteLength), dh: new Uint8Array(dh.buffer, dh.byteOffset, dh.byteLength) };
  } catch {
    return { error: 'zero_shared_secret' };
  }
}

/** The agreements for `peers` (raw 32-byte X25519 public keys), in order, in this thread. */
function agreeHere(peers: readonly Uint8Array[]): EphemeralResult[] {
  return peers.map(agreeOne);
}

/**
 * `agreeOne` for a worker thread, which cannot load our modules: the same steps, as script text defining
 * `agree(raw)` (and `parentPort`); the X-Wing engine (xwingPool.ts) builds on it too.
 */
export const NODE_AGREE_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, diffieHellman, generateKeyPairSync } = require('node:crypto');
const base = createPublicKey({ key: ${JSON.stringify(BASE_POINT_JWK)}, format: 'jwk' });
function agree(raw) {
  let peer;
  try {
    peer = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url') }, format: 'jwk' });
  } catch {
    return { error: 'invalid_public_key' };
  }
  const { privateKey } = generateKeyPairSync('x25519');
  try {
    const pub = diffieHellman({ privateKey, publicKey: base });
    const dh = diffieHellman({ privateKey, publicKey: peer });
    return { ephemeralPublicKey: new Uint8Array(pub.buffer, pub.byteOffset, pub.byteLength), dh: new Uint8Array(dh.buffer, dh.byteOffset, dh.byteLength) };
  } catch {
    return { error: 'zero_shared_secret' };
  }
}
`;

/** A worker's answer to a part of agreements. */
export const AGREE_WORKER_HANDLER = `
parentPort.on('message', ({ id, items }) => parentPort.postMessage({ id, results: items.map(agree) }));`;

/** The node:crypto agreement worker: `agreeHere` as script text. */
const NODE_WORKER_SOURCE = NODE_AGREE_SOURCE + AGREE_WORKER_HANDLER;

/** How one provider computes agreements: in this thread, and as a worker script (threadShare.ts). */
export type AgreementEngine = ThreadEngine<Uint8Array, EphemeralResult>;

/** A compact copy of a public key for postMessage. */
export const compactKey = (peer: Uint8Array): Uint8Array => peer.slice();

/** The `node:crypto` engine. */
export const nodeEngine: AgreementEngine = { here: agreeHere, workerSource: NODE_WORKER_SOURCE, compact: compactKey };

/** The ephemeral agreements for `peers`, in order: shared with the workers when the batch is large. */
export function agreeMany(peers: readonly Uint8Array[], engine: AgreementEngine = nodeEngine): Promise<EphemeralResult[]> {
  return shareWork(peers, engine, PARALLEL_MIN);
}
