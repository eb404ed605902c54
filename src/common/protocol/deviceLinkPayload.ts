/**
 * The account identity key sealed to the new device of a link (docs/protocol.md §14.4–14.5): HPKE base
 * mode, single-shot, the suite of §5, to the new device's X25519 key,
 *   info = tuple("seed-device-link-v1", linkId)
 *   aad  = tuple("seed-device-link-recipient-v1", newDeviceId)
 *   pt   = UTF-8(canonicalJson({"v": 1, "accountPrivateKey": b64u(32-byte Ed25519 seed)}))
 * so the payload opens only for that link and that device. Anything that does not open, or opens to
 * something other than that object, is `link_invalid`.
 */
import { z } from 'zod';
import { openBase, sealBase } from '../crypto/hpke/base';
import type { CryptoProvider, RawKeyPair } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import { canonicalJson } from '../encoding/canonicalJson';
import { utf8Decode, utf8Encode } from '../encoding/utf8';
import type { LinkingDeviceKeys } from './deviceLinkCode';
import { DeviceLinkError } from './errors';
import { b64uField, bytesOf } from './wire';

/** HPKE info label of the payload. */
export const LINK_PAYLOAD_LABEL = 'seed-device-link-v1';
/** HPKE aad label of the payload. */
export const LINK_RECIPIENT_LABEL = 'seed-device-link-recipient-v1';

/** The payload on the wire: `enc` (32 bytes) and `ct` (the sealed plaintext and its 16-byte tag). */
export const LinkPayloadSchema = z.strictObject({ enc: b64uField(32), ct: b64uField({ min: 17, max: 8192 }) });
export type LinkPayload = z.infer<typeof LinkPayloadSchema>;

const PlaintextSchema = z.strictObject({ v: z.literal(1), accountPrivateKey: b64uField(32) });

export const linkPayloadInfo = (linkId: string): Uint8Array => tuple(LINK_PAYLOAD_LABEL, linkId);
export const linkPayloadAad = (newDeviceId: string): Uint8Array => tuple(LINK_RECIPIENT_LABEL, newDeviceId);

/** The plaintext bytes sealed for the new device. */
export function linkPayloadPlaintext(accountPrivateKey: Uint8Array): Uint8Array {
  return utf8Encode(canonicalJson({ v: 1, accountPrivateKey: toBase64Url(accountPrivateKey) }));
}

/** Seals the account private key to the new device. `ephemeral` is for test-vector generation only. */
export async function sealLinkPayload(
  provider: CryptoProvider,
  linkId: string,
  newDevice: LinkingDeviceKeys,
  accountPrivateKey: Uint8Array,
  ephemeral?: RawKeyPair,
): Promise<LinkPayload> {
  const pt = linkPayloadPlaintext(accountPrivateKey);
  try {
    const { enc, ct } = await sealBase(provider, bytesOf(newDevice.x25519), linkPayloadInfo(linkId), linkPayloadAad(newDevice.deviceId), pt, ephemeral);
    return { enc: toBase64Url(enc), ct: toBase64Url(ct) };
  } finally {
    pt.fill(0);
  }
}

/** Opens a payload with the new device's X25519 key; answers the 32-byte account private key. */
export async function openLinkPayload(
  provider: CryptoProvider,
  linkId: string,
  device: { readonly deviceId: string; readonly x25519PrivateKey: Uint8Array; readonly x25519PublicKey?: Uint8Array },
  payload: unknown,
): Promise<Uint8Array> {
  const sealed = LinkPayloadSchema.safeParse(payload);
  if (!sealed.success) throw new DeviceLinkError('link_invalid', 'the approval does not open with this device key');
  let pt: Uint8Array;
  try {
    pt = await openBase(
      provider,
      bytesOf(sealed.data.enc),
      device.x25519PrivateKey,
      linkPayloadInfo(linkId),
      linkPayloadAad(device.deviceId),
      bytesOf(sealed.data.ct),
      device.x25519PublicKey,
    );
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
