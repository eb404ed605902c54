/**
 * HPKE (RFC 9180) base mode, single-shot, with the X-Wing KEM: the suite of draft-ietf-hpke-pq —
 * KEM X-Wing `0x647a`, HKDF-SHA256 `0x0001`, AES-256-GCM `0x0002`. X-Wing is a KEM in its own right
 * (draft-connolly-cfrg-xwing-kem §6 "Use in HPKE"), so Encap/Decap are X-Wing's own, with no DHKEM
 * ExtractAndExpand: `enc` is the 1120-byte X-Wing ciphertext and `shared_secret` the 32-byte X-Wing shared
 * secret. The key schedule (§5.1) and the AEAD context are RFC 9180's, under
 * suite_id = "HPKE" ‖ I2OSP(0x647a, 2) ‖ I2OSP(0x0001, 2) ‖ I2OSP(0x0002, 2).
 */
import { concatBytes, i2osp } from '../../encoding/bytes';
import { utf8Encode } from '../../encoding/utf8';
import type { CryptoProvider } from '../provider';
import { xwingDecapsulate, xwingEncapsulate, xwingEncapsulateMany } from '../xwing';
import { HpkeContext, keyScheduleBase, prepareInfo, type PreparedInfo } from './context';
import { AEAD_ID, KDF_ID } from './suite';

/** The HPKE KEM id of X-Wing (draft-ietf-hpke-pq, IANA "HPKE KEM Identifiers"). */
export const XWING_KEM_ID = 0x647a;

/** suite_id of the key schedule for X-Wing, HKDF-SHA256, AES-256-GCM. */
export const XWING_HPKE_SUITE_ID = concatBytes(utf8Encode('HPKE'), i2osp(XWING_KEM_ID, 2), i2osp(KDF_ID, 2), i2osp(AEAD_ID, 2));

/** prepareInfo under the X-Wing suite (the wraps of one key version share one info). */
export function prepareXWingInfo(provider: CryptoProvider, info: Uint8Array): Promise<PreparedInfo> {
  return prepareInfo(provider, info, XWING_HPKE_SUITE_ID);
}

/** SealBase(pkR, info, aad, pt) → {enc, ct}; `eseed` (64 bytes) is for test vectors only. */
export async function sealBaseXWing(
  provider: CryptoProvider,
  recipientPublicKey: Uint8Array,
  info: Uint8Array | PreparedInfo,
  aad: Uint8Array,
  plaintext: Uint8Array,
  eseed?: Uint8Array,
): Promise<{ enc: Uint8Array; ct: Uint8Array }> {
  const { sharedSecret, ciphertext } = await xwingEncapsulate(provider, recipientPublicKey, eseed);
  const context = new HpkeContext(provider, await keyScheduleBase(provider, sharedSecret, info, XWING_HPKE_SUITE_ID));
  sharedSecret.fill(0);
  return { enc: ciphertext, ct: await context.seal(aad, plaintext) };
}

/**
 * SealBase to many recipients under one prepared info, in order: each result is exactly what
 * `sealBaseXWing` makes for that recipient (fresh encapsulation randomness each); the Encapsulates go to
 * the provider as one batch (`xwingEncapsulateMany`), which may spread them over threads. A refused key is
 * `MalformedError` naming `describe(i)`.
 */
export async function sealBaseXWingMany(
  provider: CryptoProvider,
  info: PreparedInfo,
  messages: readonly { readonly recipientPublicKey: Uint8Array; readonly aad: Uint8Array; readonly plaintext: Uint8Array }[],
  describe?: (index: number) => string,
): Promise<{ enc: Uint8Array; ct: Uint8Array }[]> {
  const encaps = await xwingEncapsulateMany(
    provider,
    messages.map((m) => m.recipientPublicKey),
    describe,
  );
  const out: { enc: Uint8Array; ct: Uint8Array }[] = [];
  try {
    for (const [i, m] of messages.entries()) {
      const { sharedSecret, ciphertext } = encaps[i] as (typeof encaps)[number];
      const context = new HpkeContext(provider, await keyScheduleBase(provider, sharedSecret, info, XWING_HPKE_SUITE_ID));
      sharedSecret.fill(0);
      out.push({ enc: ciphertext, ct: await context.seal(m.aad, m.plaintext) });
    }
  } finally {
    for (const e of encaps) e.sharedSecret.fill(0);
  }
  return out;
}

/** OpenBase(enc, skR, info, aad, ct) → pt; BadTagError when it does not authenticate. */
export async function openBaseXWing(
  provider: CryptoProvider,
  enc: Uint8Array,
  recipientPrivateKey: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  const sharedSecret = await xwingDecapsulate(provider, enc, recipientPrivateKey);
  const context = new HpkeContext(provider, await keyScheduleBase(provider, sharedSecret, info, XWING_HPKE_SUITE_ID));
  sharedSecret.fill(0);
  return context.open(aad, ciphertext);
}
