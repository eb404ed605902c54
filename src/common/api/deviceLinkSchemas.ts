/**
 * Wire schemas of device linking (docs/api.md "Device links", docs/protocol.md §14): the new device's
 * public keys, the link view both devices poll, and the HPKE-sealed payload the approving device posts.
 */
import { z } from 'zod';
import { DeviceLinkStateSchema } from '../domain';
import { DeviceIdSchema } from '../ids';
import { XWING_CIPHERTEXT_LENGTH, XWING_PUBLIC_KEY_LENGTH } from '../crypto/xwing';
import { DevicePlatformSchema } from '../protocol/deviceCertificate';
import { isConsistentKeyWrap, KEY_WRAP_SUITE_MISMATCH } from '../protocol/keyWrap';
import { b64uField, text } from '../protocol/wire';

/** Link codes: 10 characters of Crockford base32 (no I, L, O, U), shown and typed by people. */
export const LINK_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const LinkCodeSchema = z
  .string()
  .transform((s) => s.toUpperCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^[0-9A-HJKMNP-TV-Z]{10}$/, 'must be the 10-character link code the new device shows'));

export const NewDeviceSchema = z
  .strictObject({
    deviceId: DeviceIdSchema,
    deviceName: text(1, 100),
    platform: DevicePlatformSchema,
    x25519: b64uField(32),
    ed25519: b64uField(32),
    /** The new device's X-Wing encapsulation key (docs/protocol.md §14.4), when it has one. */
    xwing: b64uField(XWING_PUBLIC_KEY_LENGTH).optional(),
  })
  .meta({ id: 'LinkingDevice' });

export const LinkPayloadSchema = z
  .strictObject({
    suite: z.literal('xwing').optional(),
    enc: z.union([b64uField(32), b64uField(XWING_CIPHERTEXT_LENGTH)]),
    ct: b64uField({ min: 17, max: 8192 }),
  })
  .refine(isConsistentKeyWrap, KEY_WRAP_SUITE_MISMATCH)
  .meta({ id: 'DeviceLinkPayload' })
  .describe('HPKE base-mode seal to the new device, X-Wing when it published an X-Wing key (docs/protocol.md §14.4)');

export const DeviceLinkViewSchema = z
  .object({
    linkId: z.string(),
    code: z.string(),
    state: DeviceLinkStateSchema,
    expiresAt: z.number().int(),
    newDevice: NewDeviceSchema,
    approver: z.object({ deviceId: DeviceIdSchema, certificate: z.record(z.string(), z.unknown()) }).nullable(),
    payload: LinkPayloadSchema.nullable(),
  })
  .meta({ id: 'DeviceLink' });
export type DeviceLinkView = z.infer<typeof DeviceLinkViewSchema>;

export const LinkIdParam = z.strictObject({ linkId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) });
export const ClaimLinkBody = z.strictObject({ code: LinkCodeSchema });
export const ApproveLinkBody = z.strictObject({ payload: LinkPayloadSchema });
