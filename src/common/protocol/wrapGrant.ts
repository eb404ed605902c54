/**
 * Wrap grants (docs/protocol.md §6.5): the signed statement a device makes when it adds a wrap of an
 * existing key version for another device (a member added under `shared` history, or a newly linked
 * device). The record signature (§6.2) cannot cover such a wrap, so the granting device signs, per wrap:
 *   grant     = {v:1, conversationId, version, recipientDeviceId, wrapDigest (§6.2), grantedBy, grantedAt}
 *   signature = Ed25519(granting device, tuple("seed-wrap-grant-v1", canonicalJson(grant without signature)))
 */
import { z } from 'zod';
import type { CryptoProvider } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import { canonicalJson } from '../encoding/canonicalJson';
import { ConversationIdSchema, DeviceIdSchema, type ConversationId, type DeviceId } from '../ids';
import { verifyDeviceCertificate } from './deviceCertificate';
import { BadSignatureError, MalformedError, SignerNotCertifiedError, WrongConversationError, WrongKeyVersionError } from './errors';
import { wrapDigest } from './keyVersionRecord';
import type { KeyWrap } from './keyWrap';
import { b64uField, bytesOf, KeyVersionNumber, parseWire, TimestampMs } from './wire';

/** Domain separation label of a grant signature. */
export const WRAP_GRANT_DOMAIN = 'seed-wrap-grant-v1';

const grantFields = {
  v: z.literal(1),
  conversationId: ConversationIdSchema,
  version: KeyVersionNumber,
  recipientDeviceId: DeviceIdSchema,
  wrapDigest: b64uField(32),
  grantedBy: DeviceIdSchema,
  grantedAt: TimestampMs,
};

export const UnsignedWrapGrantSchema = z.strictObject(grantFields);
export const WrapGrantSchema = z.strictObject({ ...grantFields, signature: b64uField(64) });
export type UnsignedWrapGrant = z.infer<typeof UnsignedWrapGrantSchema>;
export type WrapGrant = z.infer<typeof WrapGrantSchema>;

/** Parses a grant from untrusted JSON (no signature check). */
export function parseWrapGrant(input: unknown): WrapGrant {
  return parseWire(WrapGrantSchema, input, 'wrap grant');
}

/** The canonical JSON of a grant without its signature. */
export function wrapGrantCanonicalJson(grant: UnsignedWrapGrant | WrapGrant): string {
  const body: UnsignedWrapGrant = {
    v: grant.v,
    conversationId: grant.conversationId,
    version: grant.version,
    recipientDeviceId: grant.recipientDeviceId,
    wrapDigest: grant.wrapDigest,
    grantedBy: grant.grantedBy,
    grantedAt: grant.grantedAt,
  };
  return canonicalJson(body);
}

/** The exact bytes the granting device signs. */
export function wrapGrantSigningInput(grant: UnsignedWrapGrant | WrapGrant): Uint8Array {
  return tuple(WRAP_GRANT_DOMAIN, wrapGrantCanonicalJson(grant));
}

/** Inputs of `createWrapGrant`. */
export interface CreateWrapGrantInput {
  readonly conversationId: ConversationId;
  readonly version: number;
  /** The wrap being added (its `deviceId` is the recipient). */
  readonly wrap: KeyWrap;
  readonly grantedBy: DeviceId;
  readonly grantedAt: number;
  /** The granting device's Ed25519 private key. */
  readonly signingPrivateKey: Uint8Array;
}

/** Signs a grant for one added wrap. */
export async function createWrapGrant(provider: CryptoProvider, input: CreateWrapGrantInput): Promise<WrapGrant> {
  const unsigned = parseWire(
    UnsignedWrapGrantSchema,
    {
      v: 1,
      conversationId: input.conversationId,
      version: input.version,
      recipientDeviceId: input.wrap.deviceId,
      wrapDigest: await wrapDigest(provider, input.wrap),
      grantedBy: input.grantedBy,
      grantedAt: input.grantedAt,
    },
    'wrap grant',
  );
  const signature = await provider.ed25519Sign(input.signingPrivateKey, wrapGrantSigningInput(unsigned));
  return { ...unsigned, signature: toBase64Url(signature) };
}

/** What the verifier of one grant knows and expects. */
export interface WrapGrantExpectations {
  readonly conversationId: string;
  readonly version: number;
  readonly recipientDeviceId: string;
  /** When the verifier holds the wrap: its digest (§6.2), which the grant must name. */
  readonly wrapDigest?: string;
  /** The certificate of `grantedBy` (untrusted input; checked here). */
  readonly granterCertificate: unknown;
  /** The account identity key the verifier trusts for the granter's user. */
  readonly granterAccountKey: Uint8Array;
}

/**
 * Verifies one grant, in this order: parse (malformed, unsupported_version), conversation
 * (wrong_conversation), version (wrong_key_version), recipient and wrap digest (malformed / bad_signature),
 * granter certificate (signer_not_certified), signature (bad_signature).
 */
export async function verifyWrapGrant(provider: CryptoProvider, input: unknown, expect: WrapGrantExpectations): Promise<WrapGrant> {
  const grant = parseWrapGrant(input);
  if (grant.conversationId !== expect.conversationId)
    throw new WrongConversationError(`wrap grant is for conversation ${grant.conversationId}, expected ${expect.conversationId}`);
  if (grant.version !== expect.version) throw new WrongKeyVersionError(`wrap grant is for version ${grant.version}, expected ${expect.version}`);
  if (grant.recipientDeviceId !== expect.recipientDeviceId)
    throw new MalformedError(`wrap grant is for device ${grant.recipientDeviceId}, expected ${expect.recipientDeviceId}`);
  if (expect.wrapDigest !== undefined && grant.wrapDigest !== expect.wrapDigest) throw new BadSignatureError('the wrap is not the one the grant covers');
  const cert = await verifyDeviceCertificate(provider, expect.granterCertificate, { deviceId: grant.grantedBy, accountKey: expect.granterAccountKey }).catch(
    (err: unknown) => {
      if (err instanceof BadSignatureError) throw new SignerNotCertifiedError(`granter certificate: ${err.message}`);
      throw err;
    },
  );
  const ok = await provider.ed25519Verify(bytesOf(cert.ed25519), wrapGrantSigningInput(grant), bytesOf(grant.signature));
  if (!ok) throw new BadSignatureError('wrap grant signature does not verify');
  return grant;
}
