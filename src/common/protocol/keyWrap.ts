/**
 * Key wraps (docs/protocol.md §5): a 32-byte symmetric key (conversation key) or X25519 private key
 * (broadcast channel key) HPKE-sealed in base mode to one device's X25519 public key.
 *   info = tuple(label, scopeId) ‖ I2OSP(version, 4)   label = "seed-conv-key-wrap-v1" | "seed-channel-key-wrap-v1"
 *   aad  = tuple("seed-key-wrap-recipient-v1", recipientDeviceId)
 * so a wrap opens only for the purpose, conversation/channel, version and device it was made for. The aad
 * names the recipient (the wrap's `deviceId`, the owner of the X25519 key sealed to), never the sealer; the
 * opener builds it from its own device id.
 */
import { z } from 'zod';
import { openBase, sealBase, sealBaseMany } from '../crypto/hpke/base';
import { prepareInfo, type PreparedInfo } from '../crypto/hpke/context';
import type { CryptoProvider, RawKeyPair } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { concatBytes, i2osp, tuple } from '../encoding/bytes';
import { DeviceIdSchema, type DeviceId } from '../ids';
import { MalformedError } from './errors';
import { b64uField, bytesOf } from './wire';

/** What a wrap protects. */
export type WrapPurpose = 'conversation' | 'channel';

const LABELS: Record<WrapPurpose, string> = {
  conversation: 'seed-conv-key-wrap-v1',
  channel: 'seed-channel-key-wrap-v1',
};
export const WRAP_RECIPIENT_LABEL = 'seed-key-wrap-recipient-v1';

/** Length of every wrapped key (conversation key or X25519 private key). */
export const WRAPPED_KEY_LENGTH = 32;

/** One wrap on the wire: `enc` is the HPKE encapsulated key (32 bytes), `ct` the sealed key (48 bytes). */
export const KeyWrapSchema = z.strictObject({
  deviceId: DeviceIdSchema,
  enc: b64uField(32),
  ct: b64uField(WRAPPED_KEY_LENGTH + 16),
});
export type KeyWrap = z.infer<typeof KeyWrapSchema>;

/** HPKE info of a wrap. */
export function wrapInfo(purpose: WrapPurpose, scopeId: string, version: number): Uint8Array {
  return concatBytes(tuple(LABELS[purpose], scopeId), i2osp(version, 4));
}

/** HPKE aad of a wrap. */
export function wrapAad(recipientDeviceId: string): Uint8Array {
  return tuple(WRAP_RECIPIENT_LABEL, recipientDeviceId);
}

/** Inputs of `wrapKey`. */
export interface WrapKeyInput {
  readonly purpose: WrapPurpose;
  readonly scopeId: string;
  readonly version: number;
  readonly recipientDeviceId: DeviceId;
  readonly recipientPublicKey: Uint8Array;
  readonly key: Uint8Array;
  /** Test-vector generation only: a fixed ephemeral key pair. */
  readonly ephemeral?: RawKeyPair;
}

/** Seals `key` to one device. */
export async function wrapKey(provider: CryptoProvider, input: WrapKeyInput): Promise<KeyWrap> {
  checkKey(input.key);
  return seal(provider, wrapInfo(input.purpose, input.scopeId, input.version), input.key, input);
}

/** One recipient of `wrapKeyForDevices`. */
export interface WrapRecipient {
  readonly recipientDeviceId: DeviceId;
  readonly recipientPublicKey: Uint8Array;
  /** Test-vector generation only: a fixed ephemeral key pair. */
  readonly ephemeral?: RawKeyPair;
}

/**
 * Seals one `key` to many devices (every wrap of one key version), in the order given. Each wrap is exactly
 * what `wrapKey` makes; the HPKE info, the same for all of them, goes through the key schedule once
 * (`prepareInfo`) instead of once per device, and the ephemeral key agreements go to the provider as one
 * batch (`sealBaseMany`), which it may spread over threads.
 */
export async function wrapKeyForDevices(
  provider: CryptoProvider,
  input: {
    readonly purpose: WrapPurpose;
    readonly scopeId: string;
    readonly version: number;
    readonly key: Uint8Array;
    readonly recipients: readonly WrapRecipient[];
  },
): Promise<KeyWrap[]> {
  checkKey(input.key);
  const info = await prepareInfo(provider, wrapInfo(input.purpose, input.scopeId, input.version));
  if (input.recipients.some((r) => r.ephemeral !== undefined)) {
    const wraps: KeyWrap[] = [];
    for (const r of input.recipients) wraps.push(await seal(provider, info, input.key, r));
    return wraps;
  }
  const sealed = await sealBaseMany(
    provider,
    info,
    input.recipients.map((r) => ({ recipientPublicKey: r.recipientPublicKey, aad: wrapAad(r.recipientDeviceId), plaintext: input.key })),
  );
  return sealed.map(({ enc, ct }, i) => ({ deviceId: (input.recipients[i] as WrapRecipient).recipientDeviceId, enc: toBase64Url(enc), ct: toBase64Url(ct) }));
}

function checkKey(key: Uint8Array): void {
  if (key.length !== WRAPPED_KEY_LENGTH) throw new MalformedError('key wrap: key must be 32 bytes');
}

async function seal(provider: CryptoProvider, info: Uint8Array | PreparedInfo, key: Uint8Array, r: WrapRecipient): Promise<KeyWrap> {
  const { enc, ct } = await sealBase(provider, r.recipientPublicKey, info, wrapAad(r.recipientDeviceId), key, r.ephemeral);
  return { deviceId: r.recipientDeviceId, enc: toBase64Url(enc), ct: toBase64Url(ct) };
}

/** Inputs of `unwrapKey`. */
export interface UnwrapKeyInput {
  readonly purpose: WrapPurpose;
  readonly scopeId: string;
  readonly version: number;
  readonly wrap: KeyWrap;
  readonly deviceId: DeviceId;
  readonly privateKey: Uint8Array;
  /** The device's X25519 public key, if at hand (saves deriving it). */
  readonly publicKey?: Uint8Array;
}

/** Opens a wrap made for this device; BadTagError if it was made for another purpose, scope, version or device. */
export async function unwrapKey(provider: CryptoProvider, input: UnwrapKeyInput): Promise<Uint8Array> {
  const parsed = KeyWrapSchema.safeParse(input.wrap);
  if (!parsed.success) throw new MalformedError('key wrap: malformed');
  const key = await openBase(
    provider,
    bytesOf(parsed.data.enc),
    input.privateKey,
    wrapInfo(input.purpose, input.scopeId, input.version),
    wrapAad(input.deviceId),
    bytesOf(parsed.data.ct),
    input.publicKey,
  );
  if (key.length !== WRAPPED_KEY_LENGTH) throw new MalformedError('key wrap: unwrapped key is not 32 bytes');
  return key;
}
