/**
 * Channel descriptors (docs/broadcast.md §3): what a broadcast channel is — its id, name, creator,
 * publisher and subscriber rules and the URL of the key manager that holds its keys — signed by the
 * creator's device, whose certificate (signed by the creator's account key) travels inside.
 *   body          = descriptor without `signature`
 *   signing input = tuple("seed-channel-descriptor-v1", canonicalJson(body))
 *   signature     = Ed25519(creator device signing key, signing input)
 */
import { z } from 'zod';
import type { CryptoProvider } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import { canonicalJson } from '../encoding/canonicalJson';
import { EncodingError } from '../encoding/encodingError';
import { ChannelIdSchema, DeviceIdSchema, UserIdSchema } from '../ids';
import { DeviceCertificateSchema, verifyDeviceCertificate } from '../protocol/deviceCertificate';
import { isProtocolError } from '../protocol/errors';
import { b64uField, bytesOf, text, TimestampMs } from '../protocol/wire';
import { DescriptorError } from './errors';
import { ChannelRuleSchema } from './rules';

export const DESCRIPTOR_DOMAIN = 'seed-channel-descriptor-v1';

/** An http(s) origin plus an optional path, without query, fragment, credentials or trailing slash: the key manager's base URL. */
export const KeyManagerUrlSchema = z
  .string()
  .max(500)
  .regex(
    /^https?:\/\/([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?(\/[A-Za-z0-9._~-]+)*$/,
    'must be an http(s) URL without query, fragment, credentials or trailing slash',
  );

const bodyFields = {
  v: z.literal(1),
  channelId: ChannelIdSchema,
  name: text(1, 200),
  creator: z.strictObject({ userId: UserIdSchema, deviceId: DeviceIdSchema }),
  publisherRule: ChannelRuleSchema,
  subscriberRule: ChannelRuleSchema,
  keyManagerUrl: KeyManagerUrlSchema,
  createdAt: TimestampMs,
  creatorCertificate: DeviceCertificateSchema,
};
export const UnsignedDescriptorSchema = z.strictObject(bodyFields);
export const ChannelDescriptorSchema = z.strictObject({ ...bodyFields, signature: b64uField(64) });
export type UnsignedDescriptor = z.infer<typeof UnsignedDescriptorSchema>;
export type ChannelDescriptor = z.infer<typeof ChannelDescriptorSchema>;

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw new DescriptorError('descriptor_malformed', `channel descriptor: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** The exact bytes the creator's device signs. */
export function descriptorSigningInput(d: UnsignedDescriptor | ChannelDescriptor): Uint8Array {
  const body: UnsignedDescriptor = {
    v: d.v,
    channelId: d.channelId,
    name: d.name,
    creator: { userId: d.creator.userId, deviceId: d.creator.deviceId },
    publisherRule: d.publisherRule,
    subscriberRule: d.subscriberRule,
    keyManagerUrl: d.keyManagerUrl,
    createdAt: d.createdAt,
    creatorCertificate: d.creatorCertificate,
  };
  return tuple(DESCRIPTOR_DOMAIN, canonicalJson(body));
}

/** Signs a descriptor with the creator device's Ed25519 key (the one its certificate names). */
export async function signDescriptor(provider: CryptoProvider, unsigned: UnsignedDescriptor, deviceSigningKey: Uint8Array): Promise<ChannelDescriptor> {
  const body = parse(UnsignedDescriptorSchema, unsigned);
  const publicKey = await provider.ed25519PublicKey(deviceSigningKey);
  if (toBase64Url(publicKey) !== body.creatorCertificate.ed25519)
    throw new DescriptorError('descriptor_not_certified', 'channel descriptor: signing key is not the certified key of the creator device');
  const signature = await provider.ed25519Sign(deviceSigningKey, descriptorSigningInput(body));
  return { ...body, signature: toBase64Url(signature) };
}

/** What a verifier expects of a descriptor. */
export interface DescriptorExpectations {
  /** The creator's account key the verifier trusts (from a role claim or the directory). */
  readonly accountKey?: Uint8Array;
  /** The key manager the verifier is (or talks to). */
  readonly keyManagerUrl?: string;
  readonly channelId?: string;
}

/**
 * Parses and verifies a descriptor from untrusted JSON: the certificate is for the creator's user and
 * device and signed by its account key (the trusted one when given), and the descriptor signature
 * verifies under the certified device key.
 */
export async function verifyDescriptor(provider: CryptoProvider, input: unknown, expect: DescriptorExpectations = {}): Promise<ChannelDescriptor> {
  const d = parse(ChannelDescriptorSchema, input);
  if (expect.channelId !== undefined && d.channelId !== expect.channelId)
    throw new DescriptorError('descriptor_malformed', `channel descriptor is for channel ${d.channelId}, expected ${expect.channelId}`);
  if (expect.keyManagerUrl !== undefined && d.keyManagerUrl !== expect.keyManagerUrl) {
    throw new DescriptorError('descriptor_wrong_key_manager', `channel descriptor names key manager ${d.keyManagerUrl}, not ${expect.keyManagerUrl}`);
  }
  try {
    await verifyDeviceCertificate(provider, d.creatorCertificate, { userId: d.creator.userId, deviceId: d.creator.deviceId, accountKey: expect.accountKey });
  } catch (err) {
    if (isProtocolError(err)) throw new DescriptorError('descriptor_not_certified', `channel descriptor: creator certificate refused: ${err.message}`);
    throw err;
  }
  let signingInput: Uint8Array;
  try {
    signingInput = descriptorSigningInput(d);
  } catch (err) {
    // A value canonical JSON cannot encode (e.g. -0 in a rule) cannot have been signed.
    if (err instanceof EncodingError) throw new DescriptorError('descriptor_malformed', `channel descriptor: ${err.message}`);
    throw err;
  }
  const ok = await provider.ed25519Verify(bytesOf(d.creatorCertificate.ed25519), signingInput, bytesOf(d.signature));
  if (!ok) throw new DescriptorError('descriptor_bad_signature', 'channel descriptor signature does not verify');
  return d;
}
