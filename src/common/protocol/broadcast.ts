/**
 * Broadcast seal/open (seed 002, docs/protocol.md §9). Each broadcast channel version has
 * an X25519 key pair held by the key manager. A publisher HPKE-seals (base mode, single shot) to the
 * channel public key and signs with its device Ed25519 key; subscribers hold the channel private key,
 * which the key manager hands out wrapped to their device (`wrapChannelKey`).
 *   header    = {v: 1, type: "broadcast", channelId, keyVersion, senderDevice}
 *   info      = tuple("seed-broadcast-seal-v1", channelId) ‖ I2OSP(keyVersion, 4)
 *   aad       = UTF-8(canonicalJson(header))
 *   signature = Ed25519(sender device key, tuple("seed-broadcast-v1", aad, enc, ciphertext))
 * Size: sealing refuses a broadcast over the publish limit (`assertPublishable`, too_large), as for envelopes;
 * opening accepts a ciphertext of 16 … MAX_CIPHERTEXT_BYTES bytes (malformed otherwise).
 */
import { z } from 'zod';
import { openBase, sealBase } from '../crypto/hpke/base';
import type { CryptoProvider, RawKeyPair } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { concatBytes, i2osp, tuple } from '../encoding/bytes';
import { canonicalJson } from '../encoding/canonicalJson';
import { utf8Encode } from '../encoding/utf8';
import { ChannelIdSchema, DeviceIdSchema, type ChannelId, type DeviceId } from '../ids';
import { MAX_CIPHERTEXT_BYTES } from './envelope';
import { BadSignatureError, MalformedError, SignerNotMemberError, UnknownKeyVersionError, WrongChannelError } from './errors';
import { checkWrapSuiteFor, KeyWrapSchema, unwrapKey, wrapKey, type KeyWrap } from './keyWrap';
import { decodePlaintext, encodePlaintext, type MessagePlaintext } from './plaintext';
import { assertPublishable } from './publishSize';
import { b64uField, bytesOf, KeyVersionNumber, parseWire } from './wire';

export const BROADCAST_SEAL_LABEL = 'seed-broadcast-seal-v1';
export const BROADCAST_SIGNATURE_DOMAIN = 'seed-broadcast-v1';

const headerFields = {
  v: z.literal(1),
  type: z.literal('broadcast'),
  channelId: ChannelIdSchema,
  keyVersion: KeyVersionNumber,
  senderDevice: DeviceIdSchema,
};
export const BroadcastHeaderSchema = z.strictObject(headerFields);
export const BroadcastEnvelopeSchema = z.strictObject({
  ...headerFields,
  enc: b64uField(32),
  ciphertext: b64uField({ min: 16, max: MAX_CIPHERTEXT_BYTES }),
  signature: b64uField(64),
});
export type BroadcastHeader = z.infer<typeof BroadcastHeaderSchema>;
export type BroadcastEnvelope = z.infer<typeof BroadcastEnvelopeSchema>;

function headerOf(e: BroadcastHeader | BroadcastEnvelope): BroadcastHeader {
  return { v: e.v, type: e.type, channelId: e.channelId, keyVersion: e.keyVersion, senderDevice: e.senderDevice };
}

/** HPKE info of a broadcast seal. */
export function broadcastInfo(channelId: string, keyVersion: number): Uint8Array {
  return concatBytes(tuple(BROADCAST_SEAL_LABEL, channelId), i2osp(keyVersion, 4));
}

/** HPKE aad of a broadcast seal: the canonical header. */
export function broadcastAad(header: BroadcastHeader): Uint8Array {
  return utf8Encode(canonicalJson(headerOf(header)));
}

/** The exact bytes the publisher signs. */
export function broadcastSigningInput(header: BroadcastHeader, enc: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return tuple(BROADCAST_SIGNATURE_DOMAIN, broadcastAad(header), enc, ciphertext);
}

/** Inputs of `sealBroadcast`. */
export interface SealBroadcastInput {
  readonly channelId: ChannelId;
  readonly keyVersion: number;
  readonly channelPublicKey: Uint8Array;
  readonly senderDevice: DeviceId;
  readonly signingPrivateKey: Uint8Array;
  readonly plaintext: MessagePlaintext;
  /** PubNub channel name, for the size check. */
  readonly channel: string;
  /** Test-vector generation only. */
  readonly ephemeral?: RawKeyPair;
}

/** Seals and signs a broadcast message. */
export async function sealBroadcast(provider: CryptoProvider, input: SealBroadcastInput): Promise<BroadcastEnvelope> {
  const header = parseWire(
    BroadcastHeaderSchema,
    { v: 1, type: 'broadcast', channelId: input.channelId, keyVersion: input.keyVersion, senderDevice: input.senderDevice },
    'broadcast header',
  );
  const { enc, ct } = await sealBase(
    provider,
    input.channelPublicKey,
    broadcastInfo(header.channelId, header.keyVersion),
    broadcastAad(header),
    encodePlaintext(input.plaintext),
    input.ephemeral,
  );
  const signature = await provider.ed25519Sign(input.signingPrivateKey, broadcastSigningInput(header, enc, ct));
  const envelope: BroadcastEnvelope = { ...header, enc: toBase64Url(enc), ciphertext: toBase64Url(ct), signature: toBase64Url(signature) };
  assertPublishable(envelope, input.channel);
  return envelope;
}

/** What a subscriber knows. */
export interface OpenBroadcastContext {
  readonly channelId: ChannelId;
  /** The channel key pair of a version, or undefined when not held. */
  readonly channelKeyForVersion: (version: number) => RawKeyPair | undefined | Promise<RawKeyPair | undefined>;
  /** The Ed25519 key of a device allowed to publish on the channel (certified, with a publisher role), else undefined. */
  readonly publisherSigningKey: (deviceId: DeviceId) => Uint8Array | undefined | Promise<Uint8Array | undefined>;
}

/** Verifies and opens a broadcast message from untrusted JSON. */
export async function openBroadcast(
  provider: CryptoProvider,
  input: unknown,
  ctx: OpenBroadcastContext,
): Promise<{ header: BroadcastHeader; message: MessagePlaintext }> {
  const envelope = parseWire(BroadcastEnvelopeSchema, input, 'broadcast');
  const header = headerOf(envelope);
  if (header.channelId !== ctx.channelId) throw new WrongChannelError(`broadcast is for channel ${header.channelId}, received on ${ctx.channelId}`);
  const pair = await ctx.channelKeyForVersion(header.keyVersion);
  if (pair === undefined) throw new UnknownKeyVersionError(`no key for channel ${header.channelId} version ${header.keyVersion}`);
  const signingKey = await ctx.publisherSigningKey(header.senderDevice);
  if (signingKey === undefined) throw new SignerNotMemberError(`sender device ${header.senderDevice} may not publish on ${header.channelId}`);
  const enc = bytesOf(envelope.enc);
  const ct = bytesOf(envelope.ciphertext);
  if (!(await provider.ed25519Verify(signingKey, broadcastSigningInput(header, enc, ct), bytesOf(envelope.signature)))) {
    throw new BadSignatureError('broadcast signature does not verify');
  }
  if (pair.privateKey.length !== 32) throw new MalformedError('broadcast: channel private key must be 32 bytes');
  const plaintext = await openBase(
    provider,
    enc,
    pair.privateKey,
    broadcastInfo(header.channelId, header.keyVersion),
    broadcastAad(header),
    ct,
    pair.publicKey,
  );
  return { header, message: decodePlaintext(plaintext) };
}

/** A fresh channel key pair (key manager). */
export function generateChannelKeyPair(provider: CryptoProvider): Promise<RawKeyPair> {
  return provider.x25519GenerateKeyPair();
}

/**
 * Key manager: wraps a channel private key to a subscriber device — with HPKE X-Wing when the device's
 * certificate has an X-Wing key (`recipientXWingPublicKey`), else X25519 (§5.1; the wrap names its suite).
 */
export function wrapChannelKey(
  provider: CryptoProvider,
  input: {
    channelId: ChannelId;
    keyVersion: number;
    channelPrivateKey: Uint8Array;
    recipientDeviceId: DeviceId;
    recipientPublicKey: Uint8Array;
    recipientXWingPublicKey?: Uint8Array;
    ephemeral?: RawKeyPair;
    eseed?: Uint8Array;
  },
): Promise<KeyWrap> {
  return wrapKey(provider, {
    purpose: 'channel',
    scopeId: input.channelId,
    version: input.keyVersion,
    recipientDeviceId: input.recipientDeviceId,
    recipientPublicKey: input.recipientPublicKey,
    ...(input.recipientXWingPublicKey !== undefined ? { recipientXWingPublicKey: input.recipientXWingPublicKey } : {}),
    key: input.channelPrivateKey,
    ephemeral: input.ephemeral,
    ...(input.eseed !== undefined ? { eseed: input.eseed } : {}),
  });
}

/**
 * Subscriber: unwraps a channel key pair (the public key is derived and returned too). A device with an
 * X-Wing key (`xwingPrivateKey`, its certificate has `xwing`) takes X-Wing wraps only: an X25519 wrap is
 * `suite_downgrade` before anything is opened (§5.1); a device without one cannot open an X-Wing wrap
 * (`unsupported_suite`).
 */
export async function unwrapChannelKey(
  provider: CryptoProvider,
  input: {
    channelId: ChannelId;
    keyVersion: number;
    wrap: KeyWrap;
    deviceId: DeviceId;
    x25519PrivateKey: Uint8Array;
    x25519PublicKey?: Uint8Array;
    xwingPrivateKey?: Uint8Array;
  },
): Promise<RawKeyPair> {
  // The suite rule on a wrap that parses; one that does not is `malformed` from unwrapKey.
  const parsed = KeyWrapSchema.safeParse(input.wrap);
  if (parsed.success) checkWrapSuiteFor(parsed.data, input.xwingPrivateKey !== undefined);
  const privateKey = await unwrapKey(provider, {
    purpose: 'channel',
    scopeId: input.channelId,
    version: input.keyVersion,
    wrap: input.wrap,
    deviceId: input.deviceId,
    privateKey: input.x25519PrivateKey,
    publicKey: input.x25519PublicKey,
    ...(input.xwingPrivateKey !== undefined ? { xwingPrivateKey: input.xwingPrivateKey } : {}),
  });
  return { privateKey, publicKey: await provider.x25519PublicKey(privateKey) };
}
