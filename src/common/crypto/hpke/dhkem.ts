/**
 * DHKEM(X25519, HKDF-SHA256) (RFC 9180 §4.1, §7.1.3): Encap, Decap and DeriveKeyPair over the provider's
 * X25519. Encap uses the provider's ephemeral key agreement when it has one (the ephemeral private key
 * then never becomes raw bytes). The ephemeral key of Encap is injectable only so that test vectors can be
 * generated and replayed.
 */
import { concatBytes } from '../../encoding/bytes';
import { MalformedError } from '../../protocol/errors';
import { ProviderError, type CryptoProvider, type RawKeyPair } from '../provider';
import { KEM_SUITE_ID, labeledExpand, labeledExtract, N_PK, N_SECRET, N_SK } from './suite';

const EMPTY = new Uint8Array(0);

/** Result of Encap: the shared secret and the encapsulated key `enc` (the ephemeral public key). */
export interface Encapsulation {
  readonly sharedSecret: Uint8Array;
  readonly enc: Uint8Array;
}

async function dh<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ProviderError) throw new MalformedError(`HPKE: ${err.message}`);
    throw err;
  }
}

/** A fresh ephemeral key pair's public key and its DH with pkR: the provider's fast path when it has one. */
async function ephemeralDh(
  provider: CryptoProvider,
  recipientPublicKey: Uint8Array,
  ephemeral?: RawKeyPair,
): Promise<{ enc: Uint8Array; dhValue: Uint8Array }> {
  const fast = provider.x25519Ephemeral?.bind(provider);
  if (ephemeral === undefined && fast !== undefined) {
    const { ephemeralPublicKey, dh: dhValue } = await dh(() => fast(recipientPublicKey));
    return { enc: ephemeralPublicKey, dhValue };
  }
  const eph = ephemeral ?? (await provider.x25519GenerateKeyPair());
  return { enc: eph.publicKey, dhValue: await dh(() => provider.x25519(eph.privateKey, recipientPublicKey)) };
}

/** ExtractAndExpand(dh, kem_context) (RFC 9180 §4.1). */
async function extractAndExpand(provider: CryptoProvider, dhValue: Uint8Array, kemContext: Uint8Array): Promise<Uint8Array> {
  const eaePrk = await labeledExtract(provider, KEM_SUITE_ID, EMPTY, 'eae_prk', dhValue);
  return labeledExpand(provider, KEM_SUITE_ID, eaePrk, 'shared_secret', kemContext, N_SECRET);
}

/** Encap(pkR): a fresh (or injected) ephemeral key pair, DH with pkR, kem_context = enc ‖ pkRm. */
export async function encap(provider: CryptoProvider, recipientPublicKey: Uint8Array, ephemeral?: RawKeyPair): Promise<Encapsulation> {
  if (recipientPublicKey.length !== N_PK) throw new MalformedError('HPKE: recipient public key must be 32 bytes');
  const { enc, dhValue } = await ephemeralDh(provider, recipientPublicKey, ephemeral);
  const sharedSecret = await extractAndExpand(provider, dhValue, concatBytes(enc, recipientPublicKey));
  return { sharedSecret, enc };
}

/**
 * Encap for many recipients (the wraps of one key version): each is exactly `encap` with a fresh ephemeral
 * key; the provider's batch agreement is used when it has one (it may spread the X25519 work over threads).
 */
export async function encapMany(provider: CryptoProvider, recipientPublicKeys: readonly Uint8Array[]): Promise<Encapsulation[]> {
  for (const pk of recipientPublicKeys) if (pk.length !== N_PK) throw new MalformedError('HPKE: recipient public key must be 32 bytes');
  const batch = provider.x25519EphemeralMany?.bind(provider);
  if (batch === undefined) {
    const out: Encapsulation[] = [];
    for (const pk of recipientPublicKeys) out.push(await encap(provider, pk));
    return out;
  }
  const agreed = await dh(() => batch(recipientPublicKeys));
  const out: Encapsulation[] = [];
  for (let i = 0; i < recipientPublicKeys.length; i++) {
    const pk = recipientPublicKeys[i] as Uint8Array;
    const a = agreed[i];
    if (a === undefined) throw new MalformedError('HPKE: the provider answered fewer agreements than asked');
    out.push({ sharedSecret: await extractAndExpand(provider, a.dh, concatBytes(a.ephemeralPublicKey, pk)), enc: a.ephemeralPublicKey });
  }
  return out;
}

/** Decap(enc, skR); pass pkR when known to skip recomputing it. */
export async function decap(provider: CryptoProvider, enc: Uint8Array, recipientPrivateKey: Uint8Array, recipientPublicKey?: Uint8Array): Promise<Uint8Array> {
  if (enc.length !== N_PK) throw new MalformedError('HPKE: enc must be 32 bytes');
  if (recipientPrivateKey.length !== N_SK) throw new MalformedError('HPKE: recipient private key must be 32 bytes');
  const pkR = recipientPublicKey ?? (await provider.x25519PublicKey(recipientPrivateKey));
  const dhValue = await dh(() => provider.x25519(recipientPrivateKey, enc));
  return extractAndExpand(provider, dhValue, concatBytes(enc, pkR));
}

/** DeriveKeyPair(ikm) for X25519 (RFC 9180 §7.1.3). */
export async function deriveKeyPair(provider: CryptoProvider, ikm: Uint8Array): Promise<RawKeyPair> {
  const dkpPrk = await labeledExtract(provider, KEM_SUITE_ID, EMPTY, 'dkp_prk', ikm);
  const privateKey = await labeledExpand(provider, KEM_SUITE_ID, dkpPrk, 'sk', EMPTY, N_SK);
  return { privateKey, publicKey: await provider.x25519PublicKey(privateKey) };
}
