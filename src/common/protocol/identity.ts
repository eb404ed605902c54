/**
 * Key material of users and devices (docs/protocol.md §3): the per-user account identity key
 * (Ed25519) and per-device keys — X25519 and X-Wing (hybrid post-quantum, §5.1) to receive key wraps,
 * Ed25519 to sign. Private keys never leave the device except the account key through the device-linking
 * flow.
 */
import type { CryptoProvider, RawKeyPair } from '../crypto/provider';
import { xwingGenerateKeyPair } from '../crypto/xwing';

/** A user's account identity key pair (Ed25519). */
export type AccountIdentityKeyPair = RawKeyPair;

/** A device's two key pairs. */
export interface DeviceKeyPairs {
  /** X25519: recipient of HPKE key wraps. */
  readonly x25519: RawKeyPair;
  /** Ed25519: signs envelopes and key-version records. */
  readonly ed25519: RawKeyPair;
  /**
   * X-Wing: recipient of post-quantum key wraps (private key = the 32-byte seed, public key 1216 bytes).
   * Every new device has one; absent on devices made before it, which keep receiving X25519 wraps.
   */
  readonly xwing?: RawKeyPair;
}

/** A fresh account identity key pair. */
export function generateAccountIdentity(provider: CryptoProvider): Promise<AccountIdentityKeyPair> {
  return provider.ed25519GenerateKeyPair();
}

/** Fresh device key pairs. */
export async function generateDeviceKeys(provider: CryptoProvider): Promise<DeviceKeyPairs> {
  return { x25519: await provider.x25519GenerateKeyPair(), ed25519: await provider.ed25519GenerateKeyPair(), xwing: xwingGenerateKeyPair(provider) };
}
