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
 *
 * Post-quantum (§5.1, §19.2): a recipient made by this release is an X-Wing key pair (a 1,216-byte public
 * key; its 32-byte seed is what the KMS seals), and its wraps use HPKE with X-Wing — the member
 * `"suite":"xwing"`, `enc` 1,120 bytes — because escrow wraps are kept as long as the history, exactly what
 * is harvested now to be decrypted later. A recipient of an earlier release (32-byte X25519 key) keeps
 * X25519 wraps. The suite follows from the recipient's key, which the fingerprint binds: an X25519 wrap to
 * an X-Wing recipient is `suite_downgrade`, an X-Wing wrap to an X25519 one `unsupported_suite`.
 */
import { z } from 'zod';
import { openBase, sealBase } from '../crypto/hpke/base';
import { openBaseXWing, sealBaseXWing } from '../crypto/hpke/xwingBase';
import { XWING_CIPHERTEXT_LENGTH, XWING_PUBLIC_KEY_LENGTH, XWING_SEED_LENGTH } from '../crypto/xwing';
import type { CryptoProvider } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import { MalformedError, SuiteDowngradeError, UnsupportedSuiteError } from './errors';
import { wrapInfo, WRAPPED_KEY_LENGTH, type WrapSuite } from './keyWrap';
import { b64uField, bytesOf } from './wire';

export const ESCROW_RECIPIENT_LABEL = 'seed-escrow-recipient-v1';
export const ESCROW_WRAP_AAD_LABEL = 'seed-escrow-wrap-recipient-v1';

/** A recipient's fingerprint: 32 bytes, base64url (43 characters). */
export const EscrowFingerprintSchema = b64uField(32);

/** A recipient's public key: X25519 (32 bytes, earlier releases) or X-Wing (1,216 bytes). */
export const EscrowPublicKeySchema = z.union([b64uField(32), b64uField(XWING_PUBLIC_KEY_LENGTH)]);

/** The escrow wrap a key-version submission carries in an escrow organisation. */
export const EscrowWrapSchema = z.union([
  z.strictObject({
    /** The fingerprint of the recipient public key the wrap was sealed to. */
    recipient: EscrowFingerprintSchema,
    enc: b64uField(32),
    ct: b64uField(WRAPPED_KEY_LENGTH + 16),
  }),
  z.strictObject({
    suite: z.literal('xwing'),
    recipient: EscrowFingerprintSchema,
    enc: b64uField(XWING_CIPHERTEXT_LENGTH),
    ct: b64uField(WRAPPED_KEY_LENGTH + 16),
  }),
]);
export type EscrowWrap = z.infer<typeof EscrowWrapSchema>;

/** The suite of a recipient's public key (its length: 32 bytes X25519, 1,216 bytes X-Wing). */
export function escrowRecipientSuite(publicKey: Uint8Array): WrapSuite {
  if (publicKey.length === 32) return 'x25519';
  if (publicKey.length === XWING_PUBLIC_KEY_LENGTH) return 'xwing';
  throw new MalformedError(`escrow recipient: a public key is 32 (X25519) or ${XWING_PUBLIC_KEY_LENGTH} (X-Wing) bytes`);
}

/**
 * The wrap's suite matches its recipient's key → else `suite_downgrade` (an X25519 wrap to an X-Wing
 * recipient: whoever made it removed the post-quantum protection) or `unsupported_suite`.
 */
export function checkEscrowWrapSuite(wrap: Pick<EscrowWrap, 'enc'> & { readonly suite?: 'xwing' }, recipientPublicKey: Uint8Array): void {
  const wanted = escrowRecipientSuite(recipientPublicKey);
  const got: WrapSuite = wrap.suite === 'xwing' ? 'xwing' : 'x25519';
  if (wanted === 'xwing' && got !== 'xwing') throw new SuiteDowngradeError('escrow wrap: X25519 only, but the recipient has an X-Wing key');
  if (wanted === 'x25519' && got !== 'x25519') throw new UnsupportedSuiteError('escrow wrap: X-Wing, but the recipient has an X25519 key only');
}

/** The fingerprint of a recipient's public key (X25519 or X-Wing). */
export async function escrowFingerprint(provider: CryptoProvider, publicKey: Uint8Array): Promise<string> {
  escrowRecipientSuite(publicKey);
  return toBase64Url(await provider.sha256(tuple(ESCROW_RECIPIENT_LABEL, publicKey)));
}

/** The aad of an escrow wrap. */
export function escrowWrapAad(fingerprint: string): Uint8Array {
  return tuple(ESCROW_WRAP_AAD_LABEL, fingerprint);
}

/** Seals a conversation key version to the recipient, in its key's suite. */
export async function sealEscrowWrap(
  provider: CryptoProvider,
  input: { conversationId: string; version: number; recipientPublicKey: Uint8Array; key: Uint8Array },
): Promise<EscrowWrap> {
  if (input.key.length !== WRAPPED_KEY_LENGTH) throw new MalformedError('escrow wrap: key must be 32 bytes');
  const recipient = await escrowFingerprint(provider, input.recipientPublicKey);
  const info = wrapInfo('conversation', input.conversationId, input.version);
  if (escrowRecipientSuite(input.recipientPublicKey) === 'xwing') {
    const { enc, ct } = await sealBaseXWing(provider, input.recipientPublicKey, info, escrowWrapAad(recipient), input.key);
    return { suite: 'xwing', recipient, enc: toBase64Url(enc), ct: toBase64Url(ct) };
  }
  const { enc, ct } = await sealBase(provider, input.recipientPublicKey, info, escrowWrapAad(recipient), input.key);
  return { recipient, enc: toBase64Url(enc), ct: toBase64Url(ct) };
}

/**
 * Opens an escrow wrap with the recipient's private key (X25519: 32-byte scalar; X-Wing: 32-byte seed);
 * BadTagError for another conversation, version or recipient; `suite_downgrade` / `unsupported_suite` for a
 * wrap whose suite is not its recipient's.
 */
export async function openEscrowWrap(
  provider: CryptoProvider,
  input: { conversationId: string; version: number; wrap: EscrowWrap; privateKey: Uint8Array; publicKey: Uint8Array },
): Promise<Uint8Array> {
  const parsed = EscrowWrapSchema.safeParse(input.wrap);
  if (!parsed.success) throw new MalformedError('escrow wrap: malformed');
  const wrap = parsed.data;
  checkEscrowWrapSuite(wrap, input.publicKey);
  const info = wrapInfo('conversation', input.conversationId, input.version);
  const aad = escrowWrapAad(await escrowFingerprint(provider, input.publicKey));
  let key: Uint8Array;
  if ('suite' in wrap) {
    if (input.privateKey.length !== XWING_SEED_LENGTH) throw new MalformedError('escrow wrap: an X-Wing private key is a 32-byte seed');
    key = await openBaseXWing(provider, bytesOf(wrap.enc), input.privateKey, info, aad, bytesOf(wrap.ct));
  } else {
    key = await openBase(provider, bytesOf(wrap.enc), input.privateKey, info, aad, bytesOf(wrap.ct), input.publicKey);
  }
  if (key.length !== WRAPPED_KEY_LENGTH) throw new MalformedError('escrow wrap: unwrapped key is not 32 bytes');
  return key;
}
