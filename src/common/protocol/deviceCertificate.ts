/**
 * Device certificates (docs/protocol.md §4): a device's X25519 and Ed25519 public keys, bound to a user
 * and signed by that user's account identity key; optionally its X-Wing public key (`xwing`, the hybrid
 * post-quantum KEM key wraps are sealed to, §5.1) and the account's company identity (`sso`, issuer +
 * subject of the organisation's OpenID provider). Signature input = tuple("seed-device-cert-v1",
 * canonicalJson(certificate without `signature`)). The wrap suites a device accepts are named by the keys
 * its certificate carries: `x25519` always, `xwing` when present.
 */
import { z } from 'zod';
import type { CryptoProvider } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { constantTimeEqual, tuple } from '../encoding/bytes';
import { canonicalJson } from '../encoding/canonicalJson';
import { XWING_PUBLIC_KEY_LENGTH } from '../crypto/xwing';
import { DeviceIdSchema, UserIdSchema } from '../ids';
import { BadSignatureError, MalformedError, SignerNotCertifiedError } from './errors';
import { b64uField, bytesOf, parseWire, text, TimestampMs } from './wire';

/** Domain separation label of the certificate signature. */
export const DEVICE_CERT_DOMAIN = 'seed-device-cert-v1';

export const DevicePlatformSchema = z.enum(['desktop', 'mobile', 'cli']);
export type DevicePlatform = z.infer<typeof DevicePlatformSchema>;

/**
 * The company identity of the account (issuer + subject of the organisation's OpenID provider), as the
 * key service verified it at sign-in and checks it at the device's registration; signed with the rest.
 */
export const CertificateSsoSchema = z.strictObject({ iss: text(1, 500), sub: text(1, 255) });
export type CertificateSso = z.infer<typeof CertificateSsoSchema>;

const certificateFields = {
  v: z.literal(1),
  userId: UserIdSchema,
  deviceId: DeviceIdSchema,
  deviceName: text(1, 100),
  platform: DevicePlatformSchema,
  x25519: b64uField(32),
  ed25519: b64uField(32),
  /** The X-Wing encapsulation key (ML-KEM-768 ‖ X25519, 1216 bytes); absent on certificates made before it. */
  xwing: b64uField(XWING_PUBLIC_KEY_LENGTH).optional(),
  createdAt: TimestampMs,
  accountKey: b64uField(32),
  sso: CertificateSsoSchema.optional(),
};

export const UnsignedDeviceCertificateSchema = z.strictObject(certificateFields);
export const DeviceCertificateSchema = z.strictObject({ ...certificateFields, signature: b64uField(64) });

export type UnsignedDeviceCertificate = z.infer<typeof UnsignedDeviceCertificateSchema>;
export type DeviceCertificate = z.infer<typeof DeviceCertificateSchema>;

/** Parses a certificate from untrusted JSON (does not check the signature). */
export function parseDeviceCertificate(input: unknown): DeviceCertificate {
  return parseWire(DeviceCertificateSchema, input, 'device certificate');
}

/** The exact bytes the account key signs. */
export function deviceCertificateSigningInput(cert: UnsignedDeviceCertificate | DeviceCertificate): Uint8Array {
  const body: UnsignedDeviceCertificate = {
    v: cert.v,
    userId: cert.userId,
    deviceId: cert.deviceId,
    deviceName: cert.deviceName,
    platform: cert.platform,
    x25519: cert.x25519,
    ed25519: cert.ed25519,
    // Absent, not null, on a device without an X-Wing key: such certificates sign as before.
    ...(cert.xwing === undefined ? {} : { xwing: cert.xwing }),
    createdAt: cert.createdAt,
    accountKey: cert.accountKey,
    // Absent, not null, when the account has no company identity: such certificates sign as before.
    ...(cert.sso === undefined ? {} : { sso: { iss: cert.sso.iss, sub: cert.sso.sub } }),
  };
  return tuple(DEVICE_CERT_DOMAIN, canonicalJson(body));
}

/** Signs a certificate with the account identity private key; its `accountKey` must be that key's public half. */
export async function signDeviceCertificate(
  provider: CryptoProvider,
  unsigned: UnsignedDeviceCertificate,
  accountPrivateKey: Uint8Array,
): Promise<DeviceCertificate> {
  const body = parseWire(UnsignedDeviceCertificateSchema, unsigned, 'device certificate');
  const accountPublic = await provider.ed25519PublicKey(accountPrivateKey);
  if (toBase64Url(accountPublic) !== body.accountKey) throw new MalformedError('device certificate: accountKey is not the signing key');
  const signature = await provider.ed25519Sign(accountPrivateKey, deviceCertificateSigningInput(body));
  return { ...body, signature: toBase64Url(signature) };
}

/** What the verifier expects of a certificate. */
export interface DeviceCertificateExpectations {
  /** The account identity key the verifier trusts for this user (pinned / from the directory). */
  readonly accountKey?: Uint8Array;
  readonly userId?: string;
  readonly deviceId?: string;
}

/**
 * Parses and verifies a certificate: its signature under its own `accountKey`, and, when given, that this
 * key is the trusted account key (else SignerNotCertifiedError) and that user/device ids match.
 */
export async function verifyDeviceCertificate(
  provider: CryptoProvider,
  input: unknown,
  expect: DeviceCertificateExpectations = {},
): Promise<DeviceCertificate> {
  const cert = parseDeviceCertificate(input);
  if (expect.userId !== undefined && cert.userId !== expect.userId) throw new SignerNotCertifiedError('device certificate is for another user');
  if (expect.deviceId !== undefined && cert.deviceId !== expect.deviceId) throw new SignerNotCertifiedError('device certificate is for another device');
  const accountKey = bytesOf(cert.accountKey);
  if (expect.accountKey !== undefined && !constantTimeEqual(accountKey, expect.accountKey)) {
    throw new SignerNotCertifiedError('device certificate is signed by an account key the verifier does not trust');
  }
  const ok = await provider.ed25519Verify(accountKey, deviceCertificateSigningInput(cert), bytesOf(cert.signature));
  if (!ok) throw new BadSignatureError('device certificate signature does not verify');
  return cert;
}

/** The certificate's X-Wing public key, or undefined when the device has none (it then receives X25519 wraps only). */
export function certificateXWingKey(cert: Pick<DeviceCertificate, 'xwing'>): Uint8Array | undefined {
  return cert.xwing === undefined ? undefined : bytesOf(cert.xwing);
}
