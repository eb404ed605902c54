/**
 * Deterministic inputs for test vectors: every private key, nonce and ephemeral key is
 * SHA-256("seed-test-vector/" ‖ label), so an outside implementation can rebuild each input from its label.
 */
import type { CryptoProvider, RawKeyPair } from '../../../src/common/crypto/provider';
import { toBase64Url } from '../../../src/common/encoding/base64url';
import { toHex } from '../../../src/common/encoding/bytes';
import { utf8Encode } from '../../../src/common/encoding/utf8';
import type { DeviceId, UserId } from '../../../src/common/ids';
import { signDeviceCertificate, type DeviceCertificate } from '../../../src/common/protocol/deviceCertificate';

/** 32 bytes for a label. */
export async function fixedBytes(provider: CryptoProvider, label: string, length = 32): Promise<Uint8Array> {
  return (await provider.sha256(utf8Encode(`seed-test-vector/${label}`))).subarray(0, length);
}

export async function fixedX25519(provider: CryptoProvider, label: string): Promise<RawKeyPair> {
  const privateKey = await fixedBytes(provider, label);
  return { privateKey, publicKey: await provider.x25519PublicKey(privateKey) };
}

export async function fixedEd25519(provider: CryptoProvider, label: string): Promise<RawKeyPair> {
  const privateKey = await fixedBytes(provider, label);
  return { privateKey, publicKey: await provider.ed25519PublicKey(privateKey) };
}

/** A key pair as hex, for vector files. */
export function pairHex(pair: RawKeyPair): { privateKey: string; publicKey: string } {
  return { privateKey: toHex(pair.privateKey), publicKey: toHex(pair.publicKey) };
}

/** A vector user: account key and devices with certificates. */
export interface VectorDevice {
  readonly deviceId: DeviceId;
  readonly userId: UserId;
  readonly x25519: RawKeyPair;
  readonly ed25519: RawKeyPair;
  readonly certificate: DeviceCertificate;
}
export interface VectorUser {
  readonly userId: UserId;
  readonly account: RawKeyPair;
  readonly devices: VectorDevice[];
}

export async function vectorUser(provider: CryptoProvider, name: string, deviceNames: string[]): Promise<VectorUser> {
  const userId = `user-${name}-0001` as UserId;
  const account = await fixedEd25519(provider, `${name}/account`);
  const devices: VectorDevice[] = [];
  for (const d of deviceNames) {
    const deviceId = `${name}-${d}` as DeviceId;
    const x25519 = await fixedX25519(provider, `${deviceId}/x25519`);
    const ed25519 = await fixedEd25519(provider, `${deviceId}/ed25519`);
    const certificate = await signDeviceCertificate(
      provider,
      {
        v: 1,
        userId,
        deviceId,
        deviceName: `${name}'s ${d}`,
        platform: d.startsWith('phone') ? 'mobile' : 'desktop',
        x25519: toBase64Url(x25519.publicKey),
        ed25519: toBase64Url(ed25519.publicKey),
        createdAt: 1_735_689_600_000,
        accountKey: toBase64Url(account.publicKey),
      },
      account.privateKey,
    );
    devices.push({ deviceId, userId, x25519, ed25519, certificate });
  }
  return { userId, account, devices };
}

/** Device as it appears in vector files (private keys included: these are test keys). */
export function deviceJson(d: VectorDevice) {
  return { deviceId: d.deviceId, userId: d.userId, x25519: pairHex(d.x25519), ed25519: pairHex(d.ed25519), certificate: d.certificate };
}

/** Flips the lowest bit of byte `index` of a base64url field. */
export function flip(field: string, index = 0): string {
  const bytes = Uint8Array.from(Buffer.from(field, 'base64url'));
  bytes[index % bytes.length] = (bytes[index % bytes.length] ?? 0) ^ 1;
  return toBase64Url(bytes);
}
