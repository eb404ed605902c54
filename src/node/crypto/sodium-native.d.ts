/**
 * The part of `sodium-native` (libsodium bindings, MIT; libsodium itself ISC) that sodiumProvider.ts uses.
 * The package ships no types; these follow its README. Output buffers come first, as in libsodium.
 */
declare module 'sodium-native' {
  type Bytes = Uint8Array;
  export function randombytes_buf(out: Bytes): void;
  export function sodium_memzero(buf: Bytes): void;
  export function crypto_hash_sha256(out: Bytes, input: Bytes): void;
  export function crypto_hash_sha512(out: Bytes, input: Bytes): void;
  export const crypto_hash_sha256_STATEBYTES: number;
  export function crypto_hash_sha256_init(state: Bytes): void;
  export function crypto_hash_sha256_update(state: Bytes, input: Bytes): void;
  export function crypto_hash_sha256_final(state: Bytes, out: Bytes): void;
  /** Throws when the result is all zeros (libsodium returns -1). */
  export function crypto_scalarmult(out: Bytes, scalar: Bytes, point: Bytes): void;
  export function crypto_scalarmult_base(out: Bytes, scalar: Bytes): void;
  export function crypto_sign_seed_keypair(publicKey: Bytes, secretKey: Bytes, seed: Bytes): void;
  export function crypto_sign_detached(signature: Bytes, message: Bytes, secretKey: Bytes): void;
  export function crypto_sign_verify_detached(signature: Bytes, message: Bytes, publicKey: Bytes): boolean;
}
