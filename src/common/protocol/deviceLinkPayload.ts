/**
 * The account identity key sealed to the new device of a link (docs/protocol.md §14.4–14.5): HPKE base
 * mode, single-shot, in one of the two suites of §5.1 — X-Wing to the new device's X-Wing key when it
 * published one in the link (the payload names `suite: "xwing"`), else DHKEM(X25519) to its X25519 key —
 *   info = tuple("seed-device-link-v1", linkId)
 *   aad  = tuple("seed-device-link-recipient-v1", newDeviceId)
 *   pt   = UTF-8(canonicalJson({"v": 1, "accountPrivateKey": b64u(32-byte Ed25519 seed)}))
 * so the payload opens only for that link and that device. Anything that does not open, or opens to
 * something other than that object, is `link_invalid`; an X25519 payload to a device that published an
 * X-Wing key is `suite_downgrade` (§5.1's rule, as for conversation-key wraps).
 */
import { z } from 'zod';
import { openBase, sealBase } from '../crypto/hpke/base';
import { openBaseXWing, sealBaseXWing } from '../crypto/hpke/xwingBase';
import type { CryptoProvider, RawKeyPair } from '../crypto/provider';
import { XWING_CIPHERTEXT_LENGTH } from '../crypto/xwing';
import { toBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import { canonicalJson } from '../encoding/canonicalJson';
import { utf8Decode, utf8Encode } from '../encoding/utf8';
import type { LinkingDeviceKeys } from './deviceLinkCode';
import { DeviceLinkError, SuiteDowngradeError } from './errors';
import { isConsistentKeyWrap, KEY_WRAP_SUITE_MISMATCH } from './keyWrap';
import { b64uField, bytesOf } from './wire';

/** HPKE info label of the payload. */
export const LINK_PAYLOAD_LABEL = 'seed-device-link-v1';
/** HPKE aad label of the payload. */
export const LINK_RECIPIENT_LABEL = 'seed-device-link-recipient-v1';

/**
 * The payload on the wire: `suite` ("xwing", or absent for X25519), `enc` (32 bytes for X25519, 1,120 for
 * X-Wing; checked against the suite) and `ct` (the sealed plaintext and its 16-byte tag).
 */
export const LinkPayloadSchema = z
  .strictObject({
    suite: z.literal('xwing').optional(),
    enc: z.union([b64uField(32), b64uField(XWING_CIPHERTEXT_LENGTH)]),
    ct: b64uField({ min: 17, max: 8192 }),
  })
  .refine(isConsistentKeyWrap, KEY_WRAP_SUITE_MISMATCH);
export type LinkPayload = z.infer<typeof LinkPayloadSchema>;

const PlaintextSchema = z.strictObject({ v: z.literal(1), accountPrivateKey: b64uField(32) });

export const linkPayloadInfo = (linkId: string): Uint8Array => tuple(LINK_PAYLOAD_LABEL, linkId);
export const linkPayloadAad = (newDeviceId: string): Uint8Array => tuple(LINK_RECIPIENT_LABEL, newDeviceId);

/** The plaintext bytes sealed for the new device. */
export function linkPayloadPlaintext(accountPrivateKey: Uint8Array): Uint8Array {
  return utf8Encode(canonicalJson({ v: 1, accountPrivateKey: toBase64Url(accountPrivateKey) }));
}

/**
 * Seals the account private key to the new device: X-Wing when its link names an X-Wing key, else X25519.
 * `ephemeral` (an X25519 ephemeral pair) and `eseed` (the 64-byte X-Wing encapsulation randomness) are for
 * test-vector generation only.
 */
export async function sealLinkPayload(
  provider: CryptoProvider,
  linkId: string,
  newDevice: LinkingDeviceKeys,
  accountPrivateKey: Uint8Array,
  ephemeral?: RawKeyPair,
  eseed?: Uint8Array,
): Promise<LinkPayload> {
  const pt = linkPayloadPlaintext(accountPrivateKey);
  const info = linkPayloadInfo(linkId);
  const aad = linkPayloadAad(newDevice.deviceId);
  try {
    if (newDevice.xwing !== undefined) {
      const { enc, ct } = await sealBaseXWing(provider, bytesOf(newDevice.xwing), info, aad, pt, eseed);
      return { suite: 'xwing', enc: toBase64Url(enc), ct: toBase64Url(ct) };
    }
    const { enc, ct } = await sealBase(provider, bytesOf(newDevice.x25519), info, aad, pt, ephemeral);
    return { enc: toBase64Url(enc), ct: toBase64Url(ct) };
  } finally {
    pt.fill(0);
  }
}

/**
 * Opens a payload with the new device's key of the payload's suite; answers the 32-byte account private
 * key. `xwingPrivateKey` is given when the device published an X-Wing key in its link: an X25519 payload
 * is then refused, before opening, as `suite_downgrade`.
 */
export async function openLinkPayload(
  provider: CryptoProvider,
  linkId: string,
  device: {
    readonly deviceId: string;
    readonly x25519PrivateKey: Uint8Array;
    readonly x25519PublicKey?: Uint8Array;
    readonly xwingPrivateKey?: Uint8Array;
  },
  payload: unknown,
): Promise<Uint8Array> {
  const sealed = LinkPayloadSchema.safeParse(payload);
  if (!sealed.success) throw new DeviceLinkError('link_invalid', 'the approval does not open with this device key');
  const xwing = sealed.data.suite === 'xwing';
  if (device.xwingPrivateKey !== undefined && !xwing) {
    throw new SuiteDowngradeError(`the approval for device ${device.deviceId} is sealed with X25519 only, but it published a post-quantum (X-Wing) key`);
  }
  if (xwing && device.xwingPrivateKey === undefined) throw new DeviceLinkError('link_invalid', 'the approval does not open with this device key');
  const info = linkPayloadInfo(linkId);
  const aad = linkPayloadAad(device.deviceId);
  const enc = bytesOf(sealed.data.enc);
  const ct = bytesOf(sealed.data.ct);
  let pt: Uint8Array;
  try {
    pt = xwing
      ? await openBaseXWing(provider, enc, device.xwingPrivateKey as Uint8Array, info, aad, ct)
      : await openBase(provider, enc, device.x25519PrivateKey, info, aad, ct, device.x25519PublicKey);
  } catch {
    throw new DeviceLinkError('link_invalid', 'the approval does not open with this device key');
  }
  try {
    const parsed = PlaintextSchema.safeParse(parseJson(pt));
    if (!parsed.success) throw new DeviceLinkError('link_invalid', 'the approval payload is malformed');
    return bytesOf(parsed.data.accountPrivateKey);
  } finally {
    pt.fill(0);
  }
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(utf8Decode(bytes));
  } catch {
    return undefined;
  }
}
