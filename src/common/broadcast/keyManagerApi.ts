/**
 * The key manager's HTTP API, as zod schemas shared by the service (src/server/keyManager) and its
 * clients (src/client/broadcast) (docs/broadcast.md §5). Every request that needs authority carries the
 * caller's role claim (a JWT whose audience is the key manager) in its body; subscriber and publisher
 * requests also carry the certificate of the calling device.
 */
import { z } from 'zod';
import { UserIdSchema } from '../ids';
import { DeviceCertificateSchema } from '../protocol/deviceCertificate';
import { KeyWrapSchema } from '../protocol/keyWrap';
import { b64uField, KeyVersionNumber, TimestampMs } from '../protocol/wire';
import { ChannelDescriptorSchema } from './descriptor';

/** A compact JWS (three base64url parts), at most 8 KiB. */
export const ClaimTokenSchema = z
  .string()
  .max(8192)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/, 'must be a compact JWT');

export const CreateChannelRequestSchema = z.strictObject({ claim: ClaimTokenSchema, descriptor: ChannelDescriptorSchema });
export const DeviceRequestSchema = z.strictObject({ claim: ClaimTokenSchema, certificate: DeviceCertificateSchema });
export const RevokeRequestSchema = z.strictObject({ claim: ClaimTokenSchema, userId: UserIdSchema });

export const KeyVersionInfoSchema = z.object({ version: KeyVersionNumber, publicKey: b64uField(32), createdAt: TimestampMs });
export type KeyVersionInfo = z.infer<typeof KeyVersionInfoSchema>;

export const ChannelInfoSchema = z.object({
  descriptor: ChannelDescriptorSchema,
  currentVersion: KeyVersionNumber,
  versions: z.array(KeyVersionInfoSchema),
});
export type ChannelInfo = z.infer<typeof ChannelInfoSchema>;

export const PublicKeyResponseSchema = z.object({ version: KeyVersionNumber, publicKey: b64uField(32) });
export type PublicKeyResponse = z.infer<typeof PublicKeyResponseSchema>;

export const WrappedKeySchema = z.object({ version: KeyVersionNumber, publicKey: b64uField(32), wrap: KeyWrapSchema });
export const WrappedKeysResponseSchema = z.object({ keys: z.array(WrappedKeySchema) });
export type WrappedKeysResponse = z.infer<typeof WrappedKeysResponseSchema>;

export const RevokeResponseSchema = z.object({ version: KeyVersionNumber, revokedUserId: UserIdSchema });
export const PublishersResponseSchema = z.object({
  publishers: z.array(DeviceCertificateSchema),
  /** Users revoked from the channel; a broadcast they signed counts only if published before `revokedAt` (ms). */
  revoked: z.array(z.object({ userId: UserIdSchema, revokedAt: TimestampMs })),
});
export const KeyManagerInfoSchema = z.object({ keyManager: z.literal(true), audience: z.string(), trustedIssuers: z.array(z.string()) });

export const KeyManagerErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
