/**
 * Key wraps (docs/protocol.md §5): a 32-byte symmetric key (conversation key) or X25519 private key
 * (broadcast channel key) HPKE-sealed in base mode to one device, in one of two suites (§5.1) — the
 * original DHKEM(X25519) suite to the device's X25519 key, or X-Wing (hybrid ML-KEM-768 + X25519,
 * `crypto/hpke/xwingBase.ts`) to its X-Wing key. Both use
 *   info = tuple(label, scopeId) ‖ I2OSP(version, 4)   label = "seed-conv-key-wrap-v1" | "seed-channel-key-wrap-v1"
 *   aad  = tuple("seed-key-wrap-recipient-v1", recipientDeviceId)
 * so a wrap opens only for the purpose, conversation/channel, version and device it was made for. The aad
 * names the recipient (the wrap's `deviceId`, the owner of the key sealed to), never the sealer; the
 * opener builds it from its own device id. A wrap names its suite: the member `suite: "xwing"`, or no
 * `suite` for the original suite (so every wrap made before X-Wing keeps its bytes and digest).
 */
import { z } from 'zod';
import { openBase, sealBase, sealBaseMany } from '../crypto/hpke/base';
import { prepareInfo, type PreparedInfo } from '../crypto/hpke/context';
import { openBaseXWing, prepareXWingInfo, sealBaseXWing, sealBaseXWingMany } from '../crypto/hpke/xwingBase';
import type { CryptoProvider, RawKeyPair } from '../crypto/provider';
import { XWING_CIPHERTEXT_LENGTH } from '../crypto/xwing';
import { toBase64Url } from '../encoding/base64url';
import { concatBytes, i2osp, tuple } from '../encoding/bytes';
import { DeviceIdSchema, type DeviceId } from '../ids';
import { MalformedError, SuiteDowngradeError, UnsupportedSuiteError } from './errors';
import { b64uField, bytesOf } from './wire';

/** What a wrap protects. */
export type WrapPurpose = 'conversation' | 'channel';

/** The HPKE suite of a wrap (§5.1): `x25519` = DHKEM(X25519) 0x0020, `xwing` = X-Wing 0x647a; both HKDF-SHA256, AES-256-GCM. */
export type WrapSuite = 'x25519' | 'xwing';

const LABELS: Record<WrapPurpose, string> = {
  conversation: 'seed-conv-key-wrap-v1',
  channel: 'seed-channel-key-wrap-v1',
};
export const WRAP_RECIPIENT_LABEL = 'seed-key-wrap-recipient-v1';

/** Length of every wrapped key (conversation key or X25519 private key). */
export const WRAPPED_KEY_LENGTH = 32;
const X25519_ENC_LENGTH = 32;

/**
 * The members of a wrap, unchecked across members: `enc` is the HPKE encapsulated key (32 bytes for
 * X25519, 1120 for X-Wing), `ct` the sealed key (48 bytes). Extend this one; parse with `KeyWrapSchema`.
 */
export const KeyWrapObjectSchema = z.strictObject({
  deviceId: DeviceIdSchema,
  suite: z.literal('xwing').optional(),
  enc: z.union([b64uField(X25519_ENC_LENGTH), b64uField(XWING_CIPHERTEXT_LENGTH)]),
  ct: b64uField(WRAPPED_KEY_LENGTH + 16),
});

/** True when `enc` has the length of the wrap's suite (counted from the base64url text, §2.1: no padding). */
export function isConsistentKeyWrap(w: { readonly suite?: 'xwing'; readonly enc: string }): boolean {
  return Math.floor((w.enc.length * 3) / 4) === (w.suite === 'xwing' ? XWING_CIPHERTEXT_LENGTH : X25519_ENC_LENGTH);
}
export const KEY_WRAP_SUITE_MISMATCH = "the wrap's enc does not have the length of its suite";

/** One wrap on the wire (§5), its `enc` checked against its suite. */
export const KeyWrapSchema = KeyWrapObjectSchema.refine(isConsistentKeyWrap, KEY_WRAP_SUITE_MISMATCH);
export type KeyWrap = z.infer<typeof KeyWrapSchema>;

/** The suite a wrap names. */
export function wrapSuite(wrap: Pick<KeyWrap, 'suite'>): WrapSuite {
  return wrap.suite === 'xwing' ? 'xwing' : 'x25519';
}

/**
 * The downgrade rule (§5.1): a wrap to a device whose certificate carries an X-Wing key must be an X-Wing
 * wrap; a classical one is `suite_downgrade` (a stripped key or a swapped wrap), whoever made it.
 */
export function checkWrapSuiteFor(wrap: Pick<KeyWrap, 'suite' | 'deviceId'>, recipientHasXWingKey: boolean): void {
  if (recipientHasXWingKey && wrapSuite(wrap) !== 'xwing') {
    throw new SuiteDowngradeError(`the wrap for device ${wrap.deviceId} is X25519 only, but its certificate has a post-quantum (X-Wing) key`);
  }
}

/** HPKE info of a wrap. */
export function wrapInfo(purpose: WrapPurpose, scopeId: string, version: number): Uint8Array {
  return concatBytes(tuple(LABELS[purpose], scopeId), i2osp(version, 4));
}

/** HPKE aad of a wrap. */
export function wrapAad(recipientDeviceId: string): Uint8Array {
  return tuple(WRAP_RECIPIENT_LABEL, recipientDeviceId);
}

/** One recipient: its X25519 key, and its X-Wing key when its certificate has one (then the wrap is X-Wing). */
export interface WrapRecipient {
  readonly recipientDeviceId: DeviceId;
  readonly recipientPublicKey: Uint8Array;
  readonly recipientXWingPublicKey?: Uint8Array;
  /** Test-vector generation only: a fixed X25519 ephemeral key pair (classical wraps). */
  readonly ephemeral?: RawKeyPair;
  /** Test-vector generation only: fixed X-Wing encapsulation randomness, 64 bytes (X-Wing wraps). */
  readonly eseed?: Uint8Array;
}

/** Inputs of `wrapKey`. */
export interface WrapKeyInput extends WrapRecipient {
  readonly purpose: WrapPurpose;
  readonly scopeId: string;
  readonly version: number;
  readonly key: Uint8Array;
}

/** Seals `key` to one device, in X-Wing when it has an X-Wing key, else X25519. */
export async function wrapKey(provider: CryptoProvider, input: WrapKeyInput): Promise<KeyWrap> {
  checkKey(input.key);
  return seal(provider, wrapInfo(input.purpose, input.scopeId, input.version), input.key, input);
}

/**
 * Seals one `key` to many devices (every wrap of one key version), in the order given; each wrap is exactly
 * what `wrapKey` makes, so one record may mix suites. The HPKE info goes through the key schedule once per
 * suite (`prepareInfo`); the classical ephemeral key agreements go to the provider as one batch
 * (`sealBaseMany`), and the X-Wing encapsulations as another (`sealBaseXWingMany`), which it may spread
 * over threads. A refused X-Wing key is `MalformedError` naming the first such device in order.
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
  const infoBytes = wrapInfo(input.purpose, input.scopeId, input.version);
  const out: (KeyWrap | undefined)[] = new Array<KeyWrap | undefined>(input.recipients.length);
  const batch: number[] = [];
  const xwingBatch: number[] = [];
  let xwingInfo: PreparedInfo | undefined;
  let classicInfo: PreparedInfo | undefined;
  for (const [i, r] of input.recipients.entries()) {
    if (r.recipientXWingPublicKey !== undefined) {
      if (r.eseed !== undefined) out[i] = await seal(provider, (xwingInfo ??= await prepareXWingInfo(provider, infoBytes)), input.key, r);
      else xwingBatch.push(i);
    } else if (r.ephemeral !== undefined) out[i] = await seal(provider, (classicInfo ??= await prepareInfo(provider, infoBytes)), input.key, r);
    else batch.push(i);
  }
  if (xwingBatch.length > 0) {
    xwingInfo ??= await prepareXWingInfo(provider, infoBytes);
    const recipients = xwingBatch.map((i) => input.recipients[i] as WrapRecipient);
    const sealed = await sealBaseXWingMany(
      provider,
      xwingInfo,
      recipients.map((r) => ({ recipientPublicKey: r.recipientXWingPublicKey as Uint8Array, aad: wrapAad(r.recipientDeviceId), plaintext: input.key })),
      (j) => `device ${(recipients[j] as WrapRecipient).recipientDeviceId}`,
    );
    sealed.forEach(({ enc, ct }, j) => {
      out[xwingBatch[j] as number] = {
        deviceId: (recipients[j] as WrapRecipient).recipientDeviceId,
        suite: 'xwing',
        enc: toBase64Url(enc),
        ct: toBase64Url(ct),
      };
    });
  }
  if (batch.length > 0) {
    classicInfo ??= await prepareInfo(provider, infoBytes);
    const recipients = batch.map((i) => input.recipients[i] as WrapRecipient);
    const sealed = await sealBaseMany(
      provider,
      classicInfo,
      recipients.map((r) => ({ recipientPublicKey: r.recipientPublicKey, aad: wrapAad(r.recipientDeviceId), plaintext: input.key })),
    );
    sealed.forEach(({ enc, ct }, j) => {
      out[batch[j] as number] = { deviceId: (recipients[j] as WrapRecipient).recipientDeviceId, enc: toBase64Url(enc), ct: toBase64Url(ct) };
    });
  }
  return out.map((w) => {
    if (w === undefined) throw new MalformedError('key wrap: a recipient was left without a wrap');
    return w;
  });
}

function checkKey(key: Uint8Array): void {
  if (key.length !== WRAPPED_KEY_LENGTH) throw new MalformedError('key wrap: key must be 32 bytes');
}

async function seal(provider: CryptoProvider, info: Uint8Array | PreparedInfo, key: Uint8Array, r: WrapRecipient): Promise<KeyWrap> {
  const aad = wrapAad(r.recipientDeviceId);
  if (r.recipientXWingPublicKey !== undefined) {
    const { enc, ct } = await sealBaseXWing(provider, r.recipientXWingPublicKey, info, aad, key, r.eseed);
    return { deviceId: r.recipientDeviceId, suite: 'xwing', enc: toBase64Url(enc), ct: toBase64Url(ct) };
  }
  const { enc, ct } = await sealBase(provider, r.recipientPublicKey, info, aad, key, r.ephemeral);
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
  /** The device's X-Wing decapsulation key (seed), when its certificate has an X-Wing key. */
  readonly xwingPrivateKey?: Uint8Array;
}

/**
 * Opens a wrap made for this device, in the suite it names. BadTagError if it was made for another
 * purpose, scope, version or device, or was altered; UnsupportedSuiteError for an X-Wing wrap when the
 * device has no X-Wing key.
 */
export async function unwrapKey(provider: CryptoProvider, input: UnwrapKeyInput): Promise<Uint8Array> {
  const parsed = KeyWrapSchema.safeParse(input.wrap);
  if (!parsed.success) throw new MalformedError('key wrap: malformed');
  const info = wrapInfo(input.purpose, input.scopeId, input.version);
  const aad = wrapAad(input.deviceId);
  const enc = bytesOf(parsed.data.enc);
  const ct = bytesOf(parsed.data.ct);
  let key: Uint8Array;
  if (wrapSuite(parsed.data) === 'xwing') {
    if (input.xwingPrivateKey === undefined) throw new UnsupportedSuiteError(`an X-Wing wrap for device ${input.deviceId}, which holds no X-Wing key`);
    key = await openBaseXWing(provider, enc, input.xwingPrivateKey, info, aad, ct);
  } else {
    key = await openBase(provider, enc, input.privateKey, info, aad, ct, input.publicKey);
  }
  if (key.length !== WRAPPED_KEY_LENGTH) throw new MalformedError('key wrap: unwrapped key is not 32 bytes');
  return key;
}
