/**
 * What a device link shows and what a person types or scans (docs/protocol.md §14.2): the link code, the
 * new device's key fingerprint and the QR payload that carries both.
 *   fingerprint = SHA-256(tuple("seed-device-link-keys-v1", deviceId, x25519, ed25519 [, xwing]))[0..16]
 * (`xwing`, the new device's X-Wing encapsulation key, when it publishes one: §14.4).
 *   qrPayload   = "seed-link:1:" ‖ code ‖ ":" ‖ b64u(fingerprint)
 * A scanned QR pins the new device's keys: the approving device compares the scanned fingerprint with the
 * one of the keys the key service returned, so a service that swapped them is caught before the
 * confirmation codes are even compared (`link_mismatch`, raised by the flow, src/client/deviceLinking.ts).
 */
import type { CryptoProvider } from '../crypto/provider';
import { fromBase64Url, toBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import { DeviceLinkError } from './errors';

/** Link codes: 10 characters of Crockford base32 (no I, L, O, U), made by the key service. */
export const LINK_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LINK_CODE = /^[0-9A-HJKMNP-TV-Z]{10}$/;

/** The QR payload's prefix: scheme and format version 1. */
export const LINK_QR_PREFIX = 'seed-link:1:';

/** Domain separation label of the key fingerprint. */
export const LINK_KEYS_LABEL = 'seed-device-link-keys-v1';

/** Bytes of the fingerprint kept (of the 32-byte SHA-256). */
export const LINK_FINGERPRINT_LENGTH = 16;

/** The new device's public part of a link (keys as base64url of the raw 32 bytes). */
export interface LinkingDeviceKeys {
  readonly deviceId: string;
  readonly x25519: string;
  readonly ed25519: string;
  /** The X-Wing encapsulation key (base64url of 1,216 bytes), when the new device has one: the account key is then sealed with X-Wing (§14.4). */
  readonly xwing?: string;
}

/** The exact bytes hashed for the fingerprint. */
export function linkFingerprintInput(d: LinkingDeviceKeys): Uint8Array {
  const xwing = d.xwing === undefined ? [] : [fromBase64Url(d.xwing)];
  return tuple(LINK_KEYS_LABEL, d.deviceId, fromBase64Url(d.x25519), fromBase64Url(d.ed25519), ...xwing);
}

/** base64url of the first 16 bytes of SHA-256 of `linkFingerprintInput` (22 characters). */
export async function linkFingerprint(provider: CryptoProvider, d: LinkingDeviceKeys): Promise<string> {
  const digest = await provider.sha256(linkFingerprintInput(d));
  return toBase64Url(digest.slice(0, LINK_FINGERPRINT_LENGTH));
}

/** The QR code content the new device shows. */
export async function linkQrPayload(provider: CryptoProvider, code: string, d: LinkingDeviceKeys): Promise<string> {
  return `${LINK_QR_PREFIX}${code}:${await linkFingerprint(provider, d)}`;
}

/**
 * Reads what the user typed or scanned: a QR payload (trimmed; exactly a code and a fingerprint after the
 * prefix, taken as they are) or a bare link code (trimmed, upper-cased, spaces and dashes dropped, then
 * 10 characters of the alphabet). Anything else is `link_invalid`.
 */
export function parseLinkInput(input: string): { code: string; fingerprint?: string } {
  const text = input.trim();
  if (text.startsWith(LINK_QR_PREFIX)) {
    const [code, fingerprint, ...rest] = text.slice(LINK_QR_PREFIX.length).split(':');
    if (!code || !fingerprint || rest.length > 0) throw new DeviceLinkError('link_invalid', 'the scanned link payload is not readable');
    return { code, fingerprint };
  }
  const code = text.toUpperCase().replace(/[\s-]/g, '');
  if (!LINK_CODE.test(code)) throw new DeviceLinkError('link_invalid', 'a link code is the 10 characters the new device shows');
  return { code };
}
