/**
 * Key material of users and devices (docs/protocol.md §3): the per-user account identity key
 * (Ed25519) and per-device keys — X25519 to receive key wraps, Ed25519 to sign. Private keys never leave
 * the device except the account key through the device-linking flow.
 */
import type { CryptoProvider, RawKeyPair } from '../crypto/provider';

/** A user's account identity key pair (Ed25519). */
export type AccountIdentityKeyPair = RawKeyPair;

/** A device's two key pairs. */
export interface DeviceKeyPairs {
  /** X25519: recipient of HPKE key wraps. */
  readonly x25519: RawKeyPair;
  /** Ed25519: signs envelopes and key-version records. */
  readonly ed25519: RawKeyPair;
}

/** A fresh account identity key pair. */
export function generateAccountIdentity(provider: CryptoProvider): Promise<AccountIdentityKeyPair> {
  return provider.ed25519GenerateKeyPair();
}

/** Fresh device key pairs. */
export async function generateDeviceKeys(provider: CryptoProvider): Promise<DeviceKeyPairs> {
  return { x25519: await provider.x25519GenerateKeyPair(), ed25519: await provider.ed25519GenerateKeyPair() };
}
