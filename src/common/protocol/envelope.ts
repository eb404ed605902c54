/**
 * Message envelope v1 (docs/protocol.md §7): the JSON object published to `conv.<id>`.
 *   header    = {v: 1, type, conversationId, keyVersion, senderDevice}
 *   aad       = UTF-8(canonicalJson(header))
 *   ciphertext = AES-256-GCM(conversation key of keyVersion, nonce (12 random bytes), plaintext, aad)
 *   signature = Ed25519(sender device key, tuple("seed-envelope-v1", aad, nonce, ciphertext))
 * plus optional clear push metadata `pn_apns` / `pn_fcm` (seed 000's partial encryption), which is
 * neither encrypted nor signed: PubNub must read it, and clients never treat it as message content.
 */
import { z } from 'zod';
import { toBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import { canonicalJson } from '../encoding/canonicalJson';
import { utf8Encode } from '../encoding/utf8';
import { ConversationIdSchema, DeviceIdSchema, isId } from '../ids';
import { b64uField, isCanonicalBase64Url, KeyVersionNumber, parseWire } from './wire';

/** Domain separation label of the envelope signature. */
export const ENVELOPE_SIGNATURE_DOMAIN = 'seed-envelope-v1';

/**
 * What an envelope carries: a user message, a delivery/read receipt, a client control message, or a chat
 * action (§7.7): a reply (a message quoting another), an edit or a delete for everyone of an earlier message,
 * or a reaction to one;
 * or a presence status (§7.8), carried only as PubNub presence state, never published as a message; or a
 * file (§7.9): a message whose body is an attachment descriptor.
 */
export const EnvelopeTypeSchema = z.enum(['message', 'receipt', 'control', 'reply', 'edit', 'delete', 'reaction', 'presence', 'attachment']);
export type EnvelopeType = z.infer<typeof EnvelopeTypeSchema>;

/** Largest ciphertext an envelope or a broadcast may carry (well above what fits into a PubNub publish, §7.5). */
export const MAX_CIPHERTEXT_BYTES = 64 * 1024;

const PushPayloadSchema = z.record(z.string(), z.unknown());

const headerFields = {
  v: z.literal(1),
  type: EnvelopeTypeSchema,
  conversationId: ConversationIdSchema,
  keyVersion: KeyVersionNumber,
  senderDevice: DeviceIdSchema,
};

export const EnvelopeHeaderSchema = z.strictObject(headerFields);
export const EnvelopeSchema = z.strictObject({
  ...headerFields,
  nonce: b64uField(12),
  ciphertext: b64uField({ min: 16, max: MAX_CIPHERTEXT_BYTES }),
  signature: b64uField(64),
  pn_apns: PushPayloadSchema.optional(),
  pn_fcm: PushPayloadSchema.optional(),
});

export type EnvelopeHeader = z.infer<typeof EnvelopeHeaderSchema>;
export type Envelope = z.infer<typeof EnvelopeSchema>;

/** Clear push metadata for PubNub Mobile Push. */
export interface PushMetadata {
  readonly pn_apns?: Record<string, unknown>;
  readonly pn_fcm?: Record<string, unknown>;
}

/** Parses an envelope from untrusted JSON (no crypto). */
export function parseEnvelope(input: unknown): Envelope {
  return plainEnvelope(input) ?? parseWire(EnvelopeSchema, input, 'envelope');
}

/** Members of an envelope without push metadata: an object with exactly these is checked by `plainEnvelope`. */
const PLAIN_MEMBERS = 8;

/**
 * The envelope a plainly valid object is — exactly the eight members of an envelope without push metadata,
 * each valid — built directly, which is what `EnvelopeSchema` would answer, without its per-member
 * machinery on every open of a catch-up; `undefined` for anything else, which then goes through the schema
 * (its answer, or its typed error). test/crypto/envelope_header_canonical_fast_path.test.ts compares the two.
 */
function plainEnvelope(input: unknown): Envelope | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || Object.getPrototypeOf(input) !== Object.prototype) return undefined;
  const o = input as Record<string, unknown>;
  if (Object.keys(o).length !== PLAIN_MEMBERS) return undefined;
  const { v, type, conversationId, keyVersion, senderDevice, nonce, ciphertext, signature } = o;
  if (v !== 1 || typeof type !== 'string' || !TYPES.has(type) || !isId(conversationId) || !isId(senderDevice)) return undefined;
  if (typeof keyVersion !== 'number' || !Number.isInteger(keyVersion) || keyVersion < 1 || keyVersion > MAX_KEY_VERSION) return undefined;
  if (typeof nonce !== 'string' || typeof ciphertext !== 'string' || typeof signature !== 'string') return undefined;
  if (!isCanonicalBase64Url(nonce, 12, 12) || !isCanonicalBase64Url(signature, 64, 64) || !isCanonicalBase64Url(ciphertext, 16, MAX_CIPHERTEXT_BYTES))
    return undefined;
  return {
    v: 1,
    type: type as EnvelopeType,
    conversationId: conversationId as Envelope['conversationId'],
    keyVersion,
    senderDevice: senderDevice as Envelope['senderDevice'],
    nonce,
    ciphertext,
    signature,
  };
}

/** The largest key version (KeyVersionNumber). */
const MAX_KEY_VERSION = 2 ** 31 - 1;

/**
 * The header a sender seals under, validated: fields that are plainly valid (ids of the id alphabet and
 * length, a key version in range, a known type) become the header directly — exactly what the schema
 * would answer, without its per-field machinery on every seal; anything else goes through
 * `EnvelopeHeaderSchema`, which answers it or throws the typed error.
 */
export function envelopeHeaderOf(fields: { type: EnvelopeType; conversationId: string; keyVersion: number; senderDevice: string }): EnvelopeHeader {
  const { type, conversationId, keyVersion, senderDevice } = fields;
  if (isId(conversationId) && isId(senderDevice) && Number.isInteger(keyVersion) && keyVersion >= 1 && keyVersion <= MAX_KEY_VERSION && TYPES.has(type)) {
    return {
      v: 1,
      type,
      conversationId: conversationId as EnvelopeHeader['conversationId'],
      keyVersion,
      senderDevice: senderDevice as EnvelopeHeader['senderDevice'],
    };
  }
  return parseWire(EnvelopeHeaderSchema, { v: 1, type, conversationId, keyVersion, senderDevice }, 'envelope header');
}

/** The header fields of an envelope. */
export function envelopeHeader(e: EnvelopeHeader | Envelope): EnvelopeHeader {
  return { v: e.v, type: e.type, conversationId: e.conversationId, keyVersion: e.keyVersion, senderDevice: e.senderDevice };
}

/** AAD of the AES-GCM encryption: the canonical header. */
export function envelopeAad(header: EnvelopeHeader): Uint8Array {
  return utf8Encode(canonicalHeader(header));
}

/**
 * canonicalJson of the header. A well-formed header (ids of `[A-Za-z0-9_-]`, which JSON never escapes, a
 * safe-integer version, a known type, v 1) is written straight in canonical member order — the same
 * bytes, without the generic encoder's sorting and checks, on every seal and open; anything else goes
 * through `canonicalJson`.
 */
function canonicalHeader(h: EnvelopeHeader): string {
  if (h.v === 1 && isId(h.conversationId) && isId(h.senderDevice) && Number.isSafeInteger(h.keyVersion) && h.keyVersion >= 0 && TYPES.has(h.type)) {
    return `{"conversationId":"${h.conversationId}","keyVersion":${h.keyVersion},"senderDevice":"${h.senderDevice}","type":"${h.type}","v":1}`;
  }
  return canonicalJson(envelopeHeader(h));
}

const TYPES: ReadonlySet<string> = new Set(EnvelopeTypeSchema.options);

/** The domain label as UTF-8, encoded once (the same bytes `tuple` would encode on every call). */
const DOMAIN_BYTES = utf8Encode(ENVELOPE_SIGNATURE_DOMAIN);

/** The exact bytes the sender device signs; `aad` is the header's `envelopeAad`, when already at hand. */
export function envelopeSigningInput(header: EnvelopeHeader, nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array = envelopeAad(header)): Uint8Array {
  return tuple(DOMAIN_BYTES, aad, nonce, ciphertext);
}

/** Assembles the wire object. */
export function assembleEnvelope(header: EnvelopeHeader, nonce: Uint8Array, ciphertext: Uint8Array, signature: Uint8Array, push: PushMetadata = {}): Envelope {
  const envelope: Envelope = { ...envelopeHeader(header), nonce: toBase64Url(nonce), ciphertext: toBase64Url(ciphertext), signature: toBase64Url(signature) };
  if (push.pn_apns !== undefined) envelope.pn_apns = push.pn_apns;
  if (push.pn_fcm !== undefined) envelope.pn_fcm = push.pn_fcm;
  return envelope;
}
