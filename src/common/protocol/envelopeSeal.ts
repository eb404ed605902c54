/**
 * Sealing and opening message envelopes (docs/protocol.md §7.3–7.4). Opening checks, in order: shape
 * (malformed, unsupported_version), conversation (wrong_conversation), key version held
 * (unknown_key_version), sender device is a certified member (signer_not_member), signature
 * (bad_signature), decryption (bad_tag), inner plaintext (malformed).
 */
import type { CryptoProvider, SignedAeadInput } from '../crypto/provider';
import type { ConversationId, DeviceId } from '../ids';
import {
  assembleEnvelope,
  envelopeAad,
  envelopeHeader,
  envelopeHeaderOf,
  envelopeSigningInput,
  parseEnvelope,
  type Envelope,
  type EnvelopeHeader,
  type EnvelopeType,
  type PushMetadata,
} from './envelope';
import { BadSignatureError, BadTagError, MalformedError, SignerNotMemberError, UnknownKeyVersionError, WrongConversationError } from './errors';
import { decodePlaintext, encodePlaintext, type MessagePlaintext } from './plaintext';
import { assertEnvelopePublishable } from './publishSize';
import { bytesOf } from './wire';

/** Inputs of `sealEnvelope`. */
export interface SealEnvelopeInput {
  readonly type?: EnvelopeType;
  readonly conversationId: ConversationId;
  readonly keyVersion: number;
  /** The conversation key of `keyVersion` (32 bytes). */
  readonly key: Uint8Array;
  readonly senderDevice: DeviceId;
  /** The sender device's Ed25519 private key. */
  readonly signingPrivateKey: Uint8Array;
  readonly plaintext: MessagePlaintext;
  readonly push?: PushMetadata;
  /** The PubNub channel it will be published on (for the size check). */
  readonly channel: string;
  /** Test-vector generation only: a fixed nonce. */
  readonly nonce?: Uint8Array;
}

/** Encrypts, signs and size-checks a message; TooLargeError if it would not fit a PubNub publish. */
export async function sealEnvelope(provider: CryptoProvider, input: SealEnvelopeInput): Promise<Envelope> {
  if (input.key.length !== 32) throw new MalformedError('envelope: conversation key must be 32 bytes');
  const header = envelopeHeaderOf({
    type: input.type ?? 'message',
    conversationId: input.conversationId,
    keyVersion: input.keyVersion,
    senderDevice: input.senderDevice,
  });
  const nonce = input.nonce ?? provider.randomBytes(12);
  const aad = envelopeAad(header);
  const ciphertext = await provider.aes256GcmEncrypt(input.key, nonce, encodePlaintext(input.plaintext), aad);
  const signature = await provider.ed25519Sign(input.signingPrivateKey, envelopeSigningInput(header, nonce, ciphertext, aad));
  const envelope = assembleEnvelope(header, nonce, ciphertext, signature, input.push);
  assertEnvelopePublishable(envelope, input.channel);
  return envelope;
}

/** What the receiver knows. */
export interface OpenEnvelopeContext {
  /** The conversation whose channel the envelope arrived on. */
  readonly conversationId: ConversationId;
  /** The conversation key of a version, or undefined when this device does not hold it. */
  readonly keyForVersion: (version: number) => Uint8Array | undefined | Promise<Uint8Array | undefined>;
  /** The Ed25519 key of a device that is a certified member of the conversation, else undefined. */
  readonly memberSigningKey: (deviceId: DeviceId) => Uint8Array | undefined | Promise<Uint8Array | undefined>;
}

/** An opened envelope. */
export interface OpenedEnvelope {
  readonly header: EnvelopeHeader;
  readonly message: MessagePlaintext;
  readonly push: PushMetadata;
}

/**
 * Verifies and decrypts an envelope from untrusted JSON. A context answer that is a plain value is used
 * without an `await`, so synchronous lookups cost no turn of the microtask queue (two per envelope, for
 * each of the 2,000 envelopes of a catch-up page).
 */
export async function openEnvelope(provider: CryptoProvider, input: unknown, ctx: OpenEnvelopeContext): Promise<OpenedEnvelope> {
  const envelope = parseEnvelope(input);
  const header = envelopeHeader(envelope);
  if (header.conversationId !== ctx.conversationId) {
    throw new WrongConversationError(`envelope is for conversation ${header.conversationId}, received on ${ctx.conversationId}`);
  }
  const keyAnswer = ctx.keyForVersion(header.keyVersion);
  const key = keyAnswer instanceof Promise ? await keyAnswer : keyAnswer;
  if (key === undefined) throw new UnknownKeyVersionError(`no key for ${header.conversationId} version ${header.keyVersion}`);
  if (key.length !== 32) throw new MalformedError('envelope: conversation key must be 32 bytes');
  const signingKeyAnswer = ctx.memberSigningKey(header.senderDevice);
  const signingKey = signingKeyAnswer instanceof Promise ? await signingKeyAnswer : signingKeyAnswer;
  if (signingKey === undefined) throw new SignerNotMemberError(`sender device ${header.senderDevice} is not a certified member`);
  const nonce = bytesOf(envelope.nonce);
  const ciphertext = bytesOf(envelope.ciphertext);
  const aad = envelopeAad(header);
  const signingInput = envelopeSigningInput(header, nonce, ciphertext, aad);
  const signature = bytesOf(envelope.signature);
  const plaintext = await verifyThenDecrypt(provider, { publicKey: signingKey, signingInput, signature, key, nonce, sealed: ciphertext, aad });
  const push: PushMetadata = {
    ...(envelope.pn_apns !== undefined ? { pn_apns: envelope.pn_apns } : {}),
    ...(envelope.pn_fcm !== undefined ? { pn_fcm: envelope.pn_fcm } : {}),
  };
  return { header, message: decodePlaintext(plaintext), push };
}

/**
 * The signature check, then the decryption: through the provider's fused call when it has one (it may
 * share a page's worth with worker threads), else the two calls in turn — the same answers and errors.
 */
async function verifyThenDecrypt(provider: CryptoProvider, input: SignedAeadInput): Promise<Uint8Array> {
  if (provider.ed25519VerifyThenAes256GcmDecrypt !== undefined) {
    const result = await provider.ed25519VerifyThenAes256GcmDecrypt(input);
    if (result === 'bad_signature') throw new BadSignatureError('envelope signature does not verify');
    if (result === 'bad_tag') throw new BadTagError('envelope does not decrypt');
    return result;
  }
  if (!(await provider.ed25519Verify(input.publicKey, input.signingInput, input.signature))) throw new BadSignatureError('envelope signature does not verify');
  const plaintext = await provider.aes256GcmDecrypt(input.key, input.nonce, input.sealed, input.aad);
  if (plaintext === null) throw new BadTagError('envelope does not decrypt');
  return plaintext;
}
