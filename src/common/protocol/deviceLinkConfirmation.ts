/**
 * The confirmation code both devices of a link show (docs/protocol.md §14.3):
 *   c    = SHA-256(tuple("seed-device-link-confirm-v1", linkId, newDeviceId, newX25519, newEd25519,
 *                        approverDeviceId, approverEd25519 [, newXWing]))
 * (`newXWing` when the new device publishes an X-Wing key, §14.4: a key service that strips or swaps it
 * makes the codes differ too).
 *   code = uint32_be(c[0..4]) mod 1,000,000 as 6 decimal digits, shown "123 456"
 * Each device computes it from what it received, so a key service that substitutes either side's keys
 * makes the two codes differ.
 */
import type { CryptoProvider } from '../crypto/provider';
import { fromBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import type { LinkingDeviceKeys } from './deviceLinkCode';

/** Domain separation label of the confirmation digest. */
export const LINK_CONFIRM_LABEL = 'seed-device-link-confirm-v1';

/** The approving device as the confirmation code binds it (Ed25519 key as base64url). */
export interface LinkApproverKeys {
  readonly deviceId: string;
  readonly ed25519: string;
}

/** The exact bytes hashed for the confirmation code. */
export function confirmationInput(linkId: string, newDevice: LinkingDeviceKeys, approver: LinkApproverKeys): Uint8Array {
  const fields = [
    LINK_CONFIRM_LABEL,
    linkId,
    newDevice.deviceId,
    fromBase64Url(newDevice.x25519),
    fromBase64Url(newDevice.ed25519),
    approver.deviceId,
    fromBase64Url(approver.ed25519),
  ];
  return tuple(...fields, ...(newDevice.xwing === undefined ? [] : [fromBase64Url(newDevice.xwing)]));
}

/** The 6-digit code from the digest: the first 4 bytes big-endian, mod 10^6, zero-padded, "ddd ddd". */
export function confirmationDigits(digest: Uint8Array): string {
  const n = (((digest[0] ?? 0) << 24) | ((digest[1] ?? 0) << 16) | ((digest[2] ?? 0) << 8) | (digest[3] ?? 0)) >>> 0;
  const digits = String(n % 1_000_000).padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

/** The code to show, "ddd ddd". */
export async function confirmationCode(provider: CryptoProvider, linkId: string, newDevice: LinkingDeviceKeys, approver: LinkApproverKeys): Promise<string> {
  return confirmationDigits(await provider.sha256(confirmationInput(linkId, newDevice, approver)));
}
