/**
 * The escrow wrap (docs/protocol.md §19, issue [custody]): in an organisation whose key service is in
 * escrow mode, every conversation key version a client creates carries, besides the device wraps, one
 * more HPKE wrap of the same key to the organisation's recovery recipient — an X25519 key pair whose
 * private key exists only sealed by the key service's KMS. The wrap is a device wrap in every respect
 * (§5: the same HPKE suite, `enc` 32 bytes, `ct` 48 bytes, the same info) except the aad, which names the
 * recipient by its fingerprint under its own label, so an escrow wrap can never be taken for a device's:
 *   info        = tuple("seed-conv-key-wrap-v1", conversationId) ‖ I2OSP(version, 4)
 *   aad         = tuple("seed-escrow-wrap-recipient-v1", fingerprint)
 *   fingerprint = base64url(SHA-256(tuple("seed-escrow-recipient-v1", publicKey)))
 * Clients show the fingerprint and pin it (src/client/custody.ts): a recipient the key service changes is
 * never wrapped to before the user (or the managed policy) accepts it.
 */
import { z } from 'zod';
import { openBase, sealBase } from '../crypto/hpke/base';
import type { CryptoProvider } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import { MalformedError } from './errors';
import { wrapInfo, WRAPPED_KEY_LENGTH } from './keyWrap';
import { b64uField, bytesOf } from './wire';

export const ESCROW_RECIPIENT_LABEL = 'seed-escrow-recipient-v1';
export const ESCROW_WRAP_AAD_LABEL = 'seed-escrow-wrap-recipient-v1';

/** A recipient's fingerprint: 32 bytes, base64url (43 characters). */
export const EscrowFingerprintSchema = b64uField(32);

/** The escrow wrap a key-version submission carries in an escrow organisation. */
export const EscrowWrapSchema = z.strictObject({
  /** The fingerprint of the recipient public key the wrap was sealed to. */
  recipient: EscrowFingerprintSchema,
  enc: b64uField(32),
  ct: b64uField(WRAPPED_KEY_LENGTH + 16),
});
export type EscrowWrap = z.infer<typeof EscrowWrapSchema>;

/** The fingerprint of a recipient's X25519 public key. */
export async function escrowFingerprint(provider: CryptoProvider, publicKey: Uint8Array): Promise<string> {
  if (publicKey.length !== 32) throw new MalformedError('escrow recipient: public key must be 32 bytes');
  return toBase64Url(await provider.sha256(tuple(ESCROW_RECIPIENT_LABEL, publicKey)));
}

/** The aad of an escrow wrap. */
export function escrowWrapAad(fingerprint: string): Uint8Array {
  return tuple(ESCROW_WRAP_AAD_LABEL, fingerprint);
}

/** Seals a conversation key version to the recipient. */
export async function sealEscrowWrap(
  provider: CryptoProvider,
  input: { conversationId: string; version: number; recipientPublicKey: Uint8Array; key: Uint8Array },
): Promise<EscrowWrap> {
  if (input.key.length !== WRAPPED_KEY_LENGTH) throw new MalformedError('escrow wrap: key must be 32 bytes');
  const recipient = await escrowFingerprint(provider, input.recipientPublicKey);
  const { enc, ct } = await sealBase(
    provider,
    input.recipientPublicKey,
    wrapInfo('conversation', input.conversationId, input.version),
    escrowWrapAad(recipient),
    input.key,
  );
  return { recipient, enc: toBase64Url(enc), ct: toBase64Url(ct) };
}

/** Opens an escrow wrap with the recipient's private key; BadTagError for another conversation, version or recipient. */
export async function openEscrowWrap(
  provider: CryptoProvider,
  input: { conversationId: string; version: number; wrap: EscrowWrap; privateKey: Uint8Array; publicKey: Uint8Array },
): Promise<Uint8Array> {
  const parsed = EscrowWrapSchema.safeParse(input.wrap);
  if (!parsed.success) throw new MalformedError('escrow wrap: malformed');
  const key = await openBase(
    provider,
    bytesOf(parsed.data.enc),
    input.privateKey,
    wrapInfo('conversation', input.conversationId, input.version),
    escrowWrapAad(await escrowFingerprint(provider, input.publicKey)),
    bytesOf(parsed.data.ct),
    input.publicKey,
  );
  if (key.length !== WRAPPED_KEY_LENGTH) throw new MalformedError('escrow wrap: unwrapped key is not 32 bytes');
  return key;
}
