/**
 * Device sessions (docs/protocol.md §16, docs/client.md "Sessions"): this device proves it holds its
 * Ed25519 signing key by signing a fresh challenge of the key service, which answers a device-bound token
 * pair. Signing in again on a device that holds its keys, and every re-authentication after the refresh
 * token was refused, goes this way — never with the password alone.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import type { DeviceId } from '../common/ids';
import { signDeviceSessionChallenge } from '../common/protocol/deviceSession';
import type { KeyServiceApi, TokenPair } from './keyServiceApi';

export interface ProvingDevice {
  readonly deviceId: DeviceId;
  /** The device's Ed25519 private key (never leaves the client core). */
  readonly signingPrivateKey: Uint8Array;
}

/** Asks for a challenge, signs it and answers the device-bound token pair (the caller adopts the tokens). */
export async function proveDevice(api: KeyServiceApi, provider: CryptoProvider, device: ProvingDevice): Promise<TokenPair> {
  const challenge = await api.request('createChallenge');
  const signature = await signDeviceSessionChallenge(
    provider,
    { challengeId: challenge.challengeId, deviceId: device.deviceId, nonce: challenge.nonce },
    device.signingPrivateKey,
  );
  return api.request('openDeviceSession', { body: { challengeId: challenge.challengeId, deviceId: device.deviceId, signature } });
}
