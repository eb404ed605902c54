/**
 * Device-session challenges (docs/protocol.md §16): a device proves it holds its Ed25519 signing key before
 * the key service opens a device-bound session for it. The key service hands out a fresh, single-use
 * challenge `{challengeId, nonce}`; the device answers with
 *   signature = Ed25519(device signing key, tuple("seed-device-session-v1", challengeId, deviceId, nonce))
 * where `nonce` is the challenge's 32 raw bytes. The key service verifies it under the `ed25519` key of the
 * device's stored certificate (§4). A password alone therefore never yields a device session.
 */
import { z } from 'zod';
import type { CryptoProvider } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import { DeviceIdSchema, ID_PATTERN } from '../ids';
import { BadSignatureError } from './errors';
import { b64uField, bytesOf, parseWire } from './wire';

/** Domain separation label of the challenge signature. */
export const DEVICE_SESSION_DOMAIN = 'seed-device-session-v1';

/** Raw bytes of a challenge nonce. */
export const CHALLENGE_NONCE_BYTES = 32;

/** A challenge id: an id of §2.4 (the key service makes 16 random bytes, base64url). */
export const ChallengeIdSchema = z.string().regex(ID_PATTERN, 'must be 8-64 characters of A-Z a-z 0-9 _ -');

/** What the device signs over: the challenge as the key service issued it, and the device it signs for. */
export const DeviceSessionProofInputSchema = z.strictObject({
  challengeId: ChallengeIdSchema,
  deviceId: DeviceIdSchema,
  nonce: b64uField(CHALLENGE_NONCE_BYTES),
});
export type DeviceSessionProofInput = z.input<typeof DeviceSessionProofInputSchema>;

/** The exact bytes the device signs. */
export function deviceSessionSigningInput(input: DeviceSessionProofInput): Uint8Array {
  const parsed = parseWire(DeviceSessionProofInputSchema, input, 'device-session challenge');
  return tuple(DEVICE_SESSION_DOMAIN, parsed.challengeId, parsed.deviceId, bytesOf(parsed.nonce));
}

/** Signs a challenge with the device's Ed25519 private key; answers the signature, base64url. */
export async function signDeviceSessionChallenge(provider: CryptoProvider, input: DeviceSessionProofInput, signingPrivateKey: Uint8Array): Promise<string> {
  return toBase64Url(await provider.ed25519Sign(signingPrivateKey, deviceSessionSigningInput(input)));
}

/**
 * Verifies a device's answer to a challenge under the device's Ed25519 public key (from its certificate).
 * Throws MalformedError for an input or signature that does not parse, BadSignatureError when it does not verify.
 */
export async function verifyDeviceSessionSignature(
  provider: CryptoProvider,
  input: DeviceSessionProofInput,
  signature: string,
  devicePublicKey: Uint8Array,
): Promise<void> {
  const signingInput = deviceSessionSigningInput(input);
  const sig = parseWire(b64uField(64), signature, 'device-session signature');
  if (!(await provider.ed25519Verify(devicePublicKey, signingInput, bytesOf(sig)))) {
    throw new BadSignatureError('device-session signature does not verify under the device key');
  }
}
