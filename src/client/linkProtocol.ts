/**
 * The device-linking protocol's cryptography (docs/protocol.md §14):
 * - QR payload `seed-link:1:<code>:<b64u(fingerprint)>` where fingerprint = first 16 bytes of
 *   SHA-256(tuple("seed-device-link-keys-v1", deviceId, x25519, ed25519)) — a scanned QR also pins the new
 *   device's keys, so a key service that swapped them is caught even before the codes are compared.
 * - Confirmation code: 6 digits of SHA-256(tuple("seed-device-link-confirm-v1", linkId, newDeviceId,
 *   newX25519, newEd25519, approverDeviceId, approverEd25519)); both devices compute it from what they
 *   received, so a man in the middle who substitutes either side's keys makes the codes differ.
 * - Payload: HPKE base mode (suite of §5) to the new device's X25519 key,
 *   info = tuple("seed-device-link-v1", linkId), aad = tuple("seed-device-link-recipient-v1", newDeviceId),
 *   plaintext = canonicalJson({v: 1, accountPrivateKey: b64u(32 bytes)}).
 */
import { z } from 'zod';
import { openBase, sealBase } from '../common/crypto/hpke/base';
import type { CryptoProvider } from '../common/crypto/provider';
import { fromBase64Url, toBase64Url } from '../common/encoding/base64url';
import { tuple } from '../common/encoding/bytes';
import { canonicalJson } from '../common/encoding/canonicalJson';
import { utf8Decode, utf8Encode } from '../common/encoding/utf8';
import { DeviceLinkError } from './errors';

export const LINK_QR_PREFIX = 'seed-link:1:';

/** The new device's public part of a link. */
export interface LinkingDeviceKeys {
  readonly deviceId: string;
  /** base64url raw keys */
  readonly x25519: string;
  readonly ed25519: string;
}

export async function linkFingerprint(provider: CryptoProvider, d: LinkingDeviceKeys): Promise<string> {
  const digest = await provider.sha256(tuple('seed-device-link-keys-v1', d.deviceId, fromBase64Url(d.x25519), fromBase64Url(d.ed25519)));
  return toBase64Url(digest.slice(0, 16));
}

export async function linkQrPayload(provider: CryptoProvider, code: string, d: LinkingDeviceKeys): Promise<string> {
  return `${LINK_QR_PREFIX}${code}:${await linkFingerprint(provider, d)}`;
}

/** Reads what the user typed or scanned: a bare link code, or a QR payload with the keys' fingerprint. */
export function parseLinkInput(input: string): { code: string; fingerprint?: string } {
  const text = input.trim();
  if (text.startsWith(LINK_QR_PREFIX)) {
    const [code, fingerprint, ...rest] = text.slice(LINK_QR_PREFIX.length).split(':');
    if (!code || !fingerprint || rest.length > 0) throw new DeviceLinkError('link_invalid', 'the scanned link payload is not readable');
    return { code, fingerprint };
  }
  const code = text.toUpperCase().replace(/[\s-]/g, '');
  if (!/^[0-9A-HJKMNP-TV-Z]{10}$/.test(code)) throw new DeviceLinkError('link_invalid', 'a link code is the 10 characters the new device shows');
  return { code };
}

export async function confirmationCode(
  provider: CryptoProvider,
  linkId: string,
  newDevice: LinkingDeviceKeys,
  approver: { readonly deviceId: string; readonly ed25519: string },
): Promise<string> {
  const digest = await provider.sha256(
    tuple(
      'seed-device-link-confirm-v1',
      linkId,
      newDevice.deviceId,
      fromBase64Url(newDevice.x25519),
      fromBase64Url(newDevice.ed25519),
      approver.deviceId,
      fromBase64Url(approver.ed25519),
    ),
  );
  const n = (((digest[0] ?? 0) << 24) | ((digest[1] ?? 0) << 16) | ((digest[2] ?? 0) << 8) | (digest[3] ?? 0)) >>> 0;
  const digits = String(n % 1_000_000).padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

const info = (linkId: string) => tuple('seed-device-link-v1', linkId);
const aad = (deviceId: string) => tuple('seed-device-link-recipient-v1', deviceId);
const Payload = z.strictObject({ v: z.literal(1), accountPrivateKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

export async function sealLinkPayload(
  provider: CryptoProvider,
  linkId: string,
  newDevice: LinkingDeviceKeys,
  accountPrivateKey: Uint8Array,
): Promise<{ enc: string; ct: string }> {
  const pt = utf8Encode(canonicalJson({ v: 1, accountPrivateKey: toBase64Url(accountPrivateKey) }));
  const { enc, ct } = await sealBase(provider, fromBase64Url(newDevice.x25519), info(linkId), aad(newDevice.deviceId), pt);
  return { enc: toBase64Url(enc), ct: toBase64Url(ct) };
}

export async function openLinkPayload(
  provider: CryptoProvider,
  linkId: string,
  device: { readonly deviceId: string; readonly x25519PrivateKey: Uint8Array; readonly x25519PublicKey: Uint8Array },
  payload: { readonly enc: string; readonly ct: string },
): Promise<Uint8Array> {
  let pt: Uint8Array;
  try {
    pt = await openBase(provider, fromBase64Url(payload.enc), device.x25519PrivateKey, info(linkId), aad(device.deviceId), fromBase64Url(payload.ct), device.x25519PublicKey);
  } catch {
    throw new DeviceLinkError('link_invalid', 'the approval does not open with this device key');
  }
  let json: unknown;
  try {
    json = JSON.parse(utf8Decode(pt));
  } catch {
    json = undefined;
  }
  const parsed = Payload.safeParse(json);
  if (!parsed.success) throw new DeviceLinkError('link_invalid', 'the approval payload is malformed');
  return fromBase64Url(parsed.data.accountPrivateKey);
}
