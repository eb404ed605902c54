/**
 * The payload of a role claim (docs/broadcast.md §2): a JWT the identity side signs for one user and one
 * audience (a key manager), listing the user's roles and the user's account identity key, so the key
 * manager can check that descriptors and device certificates belong to the subject.
 *   {iss, aud, sub, iat, exp, jti, roles: string[], ak: base64url(account Ed25519 public key), did?: deviceId}
 * `did`, when present, binds the claim to one device: the key manager serves only that device's certificate.
 * `sso`, when present, is the single sign-on identity the key service verified for the subject (the ID
 * token's issuer and subject, docs/api.md "Sign-in methods and single sign-on"): {iss, sub}. Optional, so
 * claims without it and key managers that ignore it work as before.
 */
import { z } from 'zod';
import { DeviceIdSchema, UserIdSchema } from '../../common/ids';
import { b64uField } from '../../common/protocol/wire';

export const ROLE_PATTERN = /^[A-Za-z0-9_.:-]{1,200}$/;

export const ClaimPayloadSchema = z.object({
  iss: z.string().min(1),
  aud: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  sub: UserIdSchema,
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string().min(1).max(100),
  roles: z.array(z.string().regex(ROLE_PATTERN)).max(1000),
  ak: b64uField(32),
  did: DeviceIdSchema.optional(),
  sso: z.object({ iss: z.string().min(1).max(500), sub: z.string().min(1).max(255) }).optional(),
});
export type ClaimPayload = z.infer<typeof ClaimPayloadSchema>;

/** What a verified claim says. */
export interface VerifiedClaim {
  readonly issuer: string;
  readonly userId: string;
  readonly roles: readonly string[];
  /** The subject's account identity public key (raw 32 bytes). */
  readonly accountKey: Uint8Array;
  readonly expiresAt: number;
  /** The one device the claim is for, when the issuer bound it. */
  readonly deviceId: string | undefined;
  /** The subject's verified single sign-on identity, when the issuer put one in. */
  readonly sso: { readonly issuer: string; readonly subject: string } | undefined;
}
