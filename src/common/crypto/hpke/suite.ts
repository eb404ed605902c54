/**
 * The one HPKE suite we use (RFC 9180 §7): DHKEM(X25519, HKDF-SHA256) = 0x0020, HKDF-SHA256 = 0x0001,
 * AES-256-GCM = 0x0002, and the labeled KDF functions of RFC 9180 §4 with their suite_id strings.
 */
import { concatBytes, i2osp } from '../../encoding/bytes';
import { utf8Encode } from '../../encoding/utf8';
import { HASH_LENGTH, hkdfExpand, hkdfExpandOneBlock, hkdfExtract } from '../hkdf';
import type { CryptoProvider } from '../provider';

export const KEM_ID = 0x0020;
export const KDF_ID = 0x0001;
export const AEAD_ID = 0x0002;

/** Sizes for this suite (RFC 9180 §7.1, §7.3). */
export const N_SECRET = 32;
export const N_ENC = 32;
export const N_PK = 32;
export const N_SK = 32;
export const N_K = 32;
export const N_N = 12;
export const N_T = 16;
export const N_H = 32;

/** suite_id of the KEM: "KEM" ‖ I2OSP(kem_id, 2) (RFC 9180 §4.1). */
export const KEM_SUITE_ID = concatBytes(utf8Encode('KEM'), i2osp(KEM_ID, 2));
/** suite_id of the full suite: "HPKE" ‖ kem_id ‖ kdf_id ‖ aead_id (RFC 9180 §5.1). */
export const HPKE_SUITE_ID = concatBytes(utf8Encode('HPKE'), i2osp(KEM_ID, 2), i2osp(KDF_ID, 2), i2osp(AEAD_ID, 2));

const VERSION_LABEL = utf8Encode('HPKE-v1');

/**
 * "HPKE-v1" ‖ suite_id ‖ label, built once per (suite, label): the two suites and their handful of labels
 * are fixed, and every wrap and unwrap uses them several times.
 */
const prefixes = new Map<Uint8Array, Map<string, Uint8Array>>();
function labelPrefix(suiteId: Uint8Array, label: string): Uint8Array {
  let bySuite = prefixes.get(suiteId);
  if (!bySuite) prefixes.set(suiteId, (bySuite = new Map()));
  let prefix = bySuite.get(label);
  if (!prefix) bySuite.set(label, (prefix = concatBytes(VERSION_LABEL, suiteId, utf8Encode(label))));
  return prefix;
}

/** LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" ‖ suite_id ‖ label ‖ ikm) (RFC 9180 §4). */
export function labeledExtract(provider: CryptoProvider, suiteId: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Promise<Uint8Array> {
  const prefix = labelPrefix(suiteId, label);
  const input = new Uint8Array(prefix.length + ikm.length);
  input.set(prefix);
  input.set(ikm, prefix.length);
  return hkdfExtract(provider, salt, input);
}

/** LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) ‖ "HPKE-v1" ‖ suite_id ‖ label ‖ info, L) (RFC 9180 §4). */
export function labeledExpand(
  provider: CryptoProvider,
  suiteId: Uint8Array,
  prk: Uint8Array,
  label: string,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  const prefix = labelPrefix(suiteId, label);
  if (length < 1 || length > HASH_LENGTH) return hkdfExpand(provider, prk, concatBytes(i2osp(length, 2), prefix, info), length);
  // One block (every length our suites expand to): I2OSP(L, 2) ‖ prefix ‖ info ‖ 0x01 in one allocation.
  const input = new Uint8Array(2 + prefix.length + info.length + 1);
  input[1] = length;
  input.set(prefix, 2);
  input.set(info, 2 + prefix.length);
  input[input.length - 1] = 1;
  return hkdfExpandOneBlock(provider, prk, input, length);
}
