/**
 * HPKE base mode for our suite (RFC 9180 §5.1.1 SetupBaseS/SetupBaseR, §6.1 single-shot Seal/Open).
 * This is the function every key wrap and broadcast seal calls.
 */
import type { CryptoProvider, RawKeyPair } from '../provider';
import { HpkeContext, keyScheduleBase, type PreparedInfo } from './context';
import { decap, encap, encapMany } from './dhkem';

/** SetupBaseS(pkR, info) → (enc, context); `info` as bytes or prepared once for many recipients. `ephemeral` is for test-vector generation only. */
export async function setupBaseSender(
  provider: CryptoProvider,
  recipientPublicKey: Uint8Array,
  info: Uint8Array | PreparedInfo,
  ephemeral?: RawKeyPair,
): Promise<{ enc: Uint8Array; context: HpkeContext }> {
  const { sharedSecret, enc } = await encap(provider, recipientPublicKey, ephemeral);
  return { enc, context: new HpkeContext(provider, await keyScheduleBase(provider, sharedSecret, info)) };
}

/** SetupBaseR(enc, skR, info) → context. */
export async function setupBaseRecipient(
  provider: CryptoProvider,
  enc: Uint8Array,
  recipientPrivateKey: Uint8Array,
  info: Uint8Array,
  recipientPublicKey?: Uint8Array,
): Promise<HpkeContext> {
  const sharedSecret = await decap(provider, enc, recipientPrivateKey, recipientPublicKey);
  return new HpkeContext(provider, await keyScheduleBase(provider, sharedSecret, info));
}

/** Single-shot SealBase(pkR, info, aad, pt) → {enc, ct}; `info` as bytes or prepared (`prepareInfo`). */
export async function sealBase(
  provider: CryptoProvider,
  recipientPublicKey: Uint8Array,
  info: Uint8Array | PreparedInfo,
  aad: Uint8Array,
  plaintext: Uint8Array,
  ephemeral?: RawKeyPair,
): Promise<{ enc: Uint8Array; ct: Uint8Array }> {
  const { enc, context } = await setupBaseSender(provider, recipientPublicKey, info, ephemeral);
  return { enc, ct: await context.seal(aad, plaintext) };
}

/**
 * Single-shot SealBase to many recipients under one prepared info, in order: each result is exactly what
 * `sealBase` makes for that recipient (a fresh ephemeral key each); the Encaps go to the provider as one
 * batch (`encapMany`).
 */
export async function sealBaseMany(
  provider: CryptoProvider,
  info: PreparedInfo,
  messages: readonly { readonly recipientPublicKey: Uint8Array; readonly aad: Uint8Array; readonly plaintext: Uint8Array }[],
): Promise<{ enc: Uint8Array; ct: Uint8Array }[]> {
  const encaps = await encapMany(
    provider,
    messages.map((m) => m.recipientPublicKey),
  );
  const out: { enc: Uint8Array; ct: Uint8Array }[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as (typeof messages)[number];
    const { sharedSecret, enc } = encaps[i] as { sharedSecret: Uint8Array; enc: Uint8Array };
    const context = new HpkeContext(provider, await keyScheduleBase(provider, sharedSecret, info));
    out.push({ enc, ct: await context.seal(m.aad, m.plaintext) });
  }
  return out;
}

/** Single-shot OpenBase(enc, skR, info, aad, ct) → pt; BadTagError when it does not authenticate. */
export async function openBase(
  provider: CryptoProvider,
  enc: Uint8Array,
  recipientPrivateKey: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
  recipientPublicKey?: Uint8Array,
): Promise<Uint8Array> {
  const context = await setupBaseRecipient(provider, enc, recipientPrivateKey, info, recipientPublicKey);
  return context.open(aad, ciphertext);
}
