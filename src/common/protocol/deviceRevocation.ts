/**
 * Device revocation statements (docs/protocol.md §17): the account's own word that one of its devices is
 * revoked, signed by the account identity key, which only the account's devices hold:
 *   statement = {v:1, userId, deviceId, revokedAt}
 *   signature = Ed25519(account identity key, tuple("seed-device-revocation-v1", canonicalJson(statement without signature)))
 * The key service revokes a device only with such a statement and serves it afterwards; a device erases its
 * keys only after verifying the statement about itself under its own account public key, so a key service
 * that merely claims `device_revoked` cannot make a device destroy its keys.
 */
import { z } from 'zod';
import type { CryptoProvider } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import { canonicalJson } from '../encoding/canonicalJson';
import { DeviceIdSchema, UserIdSchema } from '../ids';
import { BadSignatureError, SignerNotCertifiedError } from './errors';
import { b64uField, bytesOf, parseWire, TimestampMs } from './wire';

/** Domain separation label of the statement signature. */
export const DEVICE_REVOCATION_DOMAIN = 'seed-device-revocation-v1';

const statementFields = {
  v: z.literal(1),
  userId: UserIdSchema,
  deviceId: DeviceIdSchema,
  revokedAt: TimestampMs,
};

export const UnsignedDeviceRevocationSchema = z.strictObject(statementFields);
export const DeviceRevocationSchema = z.strictObject({ ...statementFields, signature: b64uField(64) });
export type UnsignedDeviceRevocation = z.infer<typeof UnsignedDeviceRevocationSchema>;
export type DeviceRevocation = z.infer<typeof DeviceRevocationSchema>;

/** Parses a statement from untrusted JSON (no signature check). */
export function parseDeviceRevocation(input: unknown): DeviceRevocation {
  return parseWire(DeviceRevocationSchema, input, 'device revocation');
}

/** The canonical JSON of a statement without its signature. */
export function deviceRevocationCanonicalJson(statement: UnsignedDeviceRevocation | DeviceRevocation): string {
  const body: UnsignedDeviceRevocation = { v: statement.v, userId: statement.userId, deviceId: statement.deviceId, revokedAt: statement.revokedAt };
  return canonicalJson(body);
}

/** The exact bytes the account key signs. */
export function deviceRevocationSigningInput(statement: UnsignedDeviceRevocation | DeviceRevocation): Uint8Array {
  return tuple(DEVICE_REVOCATION_DOMAIN, deviceRevocationCanonicalJson(statement));
}

/** Signs a statement with the account identity private key. */
export async function signDeviceRevocation(
  provider: CryptoProvider,
  unsigned: UnsignedDeviceRevocation,
  accountPrivateKey: Uint8Array,
): Promise<DeviceRevocation> {
  const body = parseWire(UnsignedDeviceRevocationSchema, unsigned, 'device revocation');
  const signature = await provider.ed25519Sign(accountPrivateKey, deviceRevocationSigningInput(body));
  return { ...body, signature: toBase64Url(signature) };
}

/** What the verifier expects of a statement. */
export interface DeviceRevocationExpectations {
  /** The account identity public key the verifier trusts for the user (its own, or the stored one). */
  readonly accountKey: Uint8Array;
  readonly userId?: string;
  readonly deviceId?: string;
}

/**
 * Parses and verifies a statement (§17.2, in this order): parse (`malformed` / `unsupported_version`); the
 * user and device it names are the expected ones (`signer_not_certified`); the signature verifies under
 * the trusted account key (`bad_signature`).
 */
export async function verifyDeviceRevocation(provider: CryptoProvider, input: unknown, expect: DeviceRevocationExpectations): Promise<DeviceRevocation> {
  const statement = parseDeviceRevocation(input);
  if (expect.userId !== undefined && statement.userId !== expect.userId) throw new SignerNotCertifiedError('device revocation is for another user');
  if (expect.deviceId !== undefined && statement.deviceId !== expect.deviceId) throw new SignerNotCertifiedError('device revocation is for another device');
  const ok = await provider.ed25519Verify(expect.accountKey, deviceRevocationSigningInput(statement), bytesOf(statement.signature));
  if (!ok) throw new BadSignatureError('device revocation signature does not verify under the account key');
  return statement;
}
