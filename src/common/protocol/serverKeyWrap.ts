/**
 * The server key wrap (docs/protocol.md §19.4, server-trusted custody): in an organisation whose key
 * service is in server-trusted mode, the key service itself makes each conversation key version (KMS
 * GenerateDataKey) and hands it to an authenticated member device sealed to that device's key. The wrap is
 * a device wrap (§5, §5.1: the same suites and info — X-Wing when the device's certificate has an X-Wing
 * key, `suite: "xwing"`, else X25519) with an aad of its own, so a server wrap never opens as a device wrap,
 * nor a device or escrow wrap as a server wrap:
 *   info = tuple("seed-conv-key-wrap-v1", conversationId) ‖ I2OSP(version, 4)
 *   aad  = tuple("seed-server-key-wrap-v1", recipientDeviceId)
 * Nothing in it is signed: whoever can seal to the device's public key can make one. A device accepts it
 * only when it trusts the key service with its conversations (src/client/custody.ts).
 */
import { openBase, sealBase } from '../crypto/hpke/base';
import { openBaseXWing, sealBaseXWing } from '../crypto/hpke/xwingBase';
import type { CryptoProvider, RawKeyPair } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import type { DeviceId } from '../ids';
import { MalformedError, UnsupportedSuiteError } from './errors';
import { checkWrapSuiteFor, KeyWrapSchema, wrapInfo, wrapSuite, WRAPPED_KEY_LENGTH, type KeyWrap } from './keyWrap';
import { bytesOf } from './wire';

export const SERVER_KEY_WRAP_AAD_LABEL = 'seed-server-key-wrap-v1';

/** The aad of a server key wrap for one device. */
export function serverKeyWrapAad(recipientDeviceId: string): Uint8Array {
  return tuple(SERVER_KEY_WRAP_AAD_LABEL, recipientDeviceId);
}

/**
 * The key service seals a version's key to one member device: with HPKE X-Wing (§5.1, `suite: "xwing"`)
 * when the device's certificate has an X-Wing key (`recipientXWingPublicKey`), else X25519.
 */
export async function sealServerKeyWrap(
  provider: CryptoProvider,
  input: {
    conversationId: string;
    version: number;
    recipientDeviceId: DeviceId;
    recipientPublicKey: Uint8Array;
    recipientXWingPublicKey?: Uint8Array;
    key: Uint8Array;
    /** Test-vector generation only: a fixed ephemeral key pair (X25519 wraps). */
    ephemeral?: RawKeyPair;
    /** Test-vector generation only: fixed X-Wing encapsulation randomness, 64 bytes (X-Wing wraps). */
    eseed?: Uint8Array;
  },
): Promise<KeyWrap> {
  if (input.key.length !== WRAPPED_KEY_LENGTH) throw new MalformedError('server key wrap: key must be 32 bytes');
  const info = wrapInfo('conversation', input.conversationId, input.version);
  const aad = serverKeyWrapAad(input.recipientDeviceId);
  if (input.recipientXWingPublicKey !== undefined) {
    const { enc, ct } = await sealBaseXWing(provider, input.recipientXWingPublicKey, info, aad, input.key, input.eseed);
    return { deviceId: input.recipientDeviceId, suite: 'xwing', enc: toBase64Url(enc), ct: toBase64Url(ct) };
  }
  const { enc, ct } = await sealBase(provider, input.recipientPublicKey, info, aad, input.key, input.ephemeral);
  return { deviceId: input.recipientDeviceId, enc: toBase64Url(enc), ct: toBase64Url(ct) };
}

/**
 * A device opens a server key wrap with its own id and its private key of the wrap's suite; BadTagError for
 * anything else. A device with an X-Wing key (`xwingPrivateKey`) takes X-Wing wraps only: an X25519 one is
 * `suite_downgrade`, before anything is opened; a device without one cannot open an X-Wing wrap
 * (`unsupported_suite`).
 */
export async function openServerKeyWrap(
  provider: CryptoProvider,
  input: {
    conversationId: string;
    version: number;
    wrap: KeyWrap;
    deviceId: DeviceId;
    privateKey: Uint8Array;
    publicKey?: Uint8Array;
    xwingPrivateKey?: Uint8Array;
  },
): Promise<Uint8Array> {
  const parsed = KeyWrapSchema.safeParse(input.wrap);
  if (!parsed.success) throw new MalformedError('server key wrap: malformed');
  checkWrapSuiteFor(parsed.data, input.xwingPrivateKey !== undefined);
  const info = wrapInfo('conversation', input.conversationId, input.version);
  const aad = serverKeyWrapAad(input.deviceId);
  const enc = bytesOf(parsed.data.enc);
  const ct = bytesOf(parsed.data.ct);
  let key: Uint8Array;
  if (wrapSuite(parsed.data) === 'xwing') {
    if (input.xwingPrivateKey === undefined)
      throw new UnsupportedSuiteError(`an X-Wing server key wrap for device ${input.deviceId}, which holds no X-Wing key`);
    key = await openBaseXWing(provider, enc, input.xwingPrivateKey, info, aad, ct);
  } else {
    key = await openBase(provider, enc, input.privateKey, info, aad, ct, input.publicKey);
  }
  if (key.length !== WRAPPED_KEY_LENGTH) throw new MalformedError('server key wrap: unwrapped key is not 32 bytes');
  return key;
}
