/**
 * The server key wrap (docs/protocol.md §19.4, server-trusted custody): in an organisation whose key
 * service is in server-trusted mode, the key service itself makes each conversation key version (KMS
 * GenerateDataKey) and hands it to an authenticated member device sealed to that device's X25519 key. The
 * wrap is a device wrap (§5: the same HPKE suite and info, `enc` 32 bytes, `ct` 48 bytes) with an aad of
 * its own, so a server wrap never opens as a device wrap, nor a device or escrow wrap as a server wrap:
 *   info = tuple("seed-conv-key-wrap-v1", conversationId) ‖ I2OSP(version, 4)
 *   aad  = tuple("seed-server-key-wrap-v1", recipientDeviceId)
 * Nothing in it is signed: whoever can seal to the device's public key can make one. A device accepts it
 * only when it trusts the key service with its conversations (src/client/custody.ts).
 */
import { openBase, sealBase } from '../crypto/hpke/base';
import type { CryptoProvider, RawKeyPair } from '../crypto/provider';
import { toBase64Url } from '../encoding/base64url';
import { tuple } from '../encoding/bytes';
import type { DeviceId } from '../ids';
import { MalformedError } from './errors';
import { KeyWrapSchema, wrapInfo, WRAPPED_KEY_LENGTH, type KeyWrap } from './keyWrap';
import { bytesOf } from './wire';

export const SERVER_KEY_WRAP_AAD_LABEL = 'seed-server-key-wrap-v1';

/** The aad of a server key wrap for one device. */
export function serverKeyWrapAad(recipientDeviceId: string): Uint8Array {
  return tuple(SERVER_KEY_WRAP_AAD_LABEL, recipientDeviceId);
}

/** The key service seals a version's key to one member device. */
export async function sealServerKeyWrap(
  provider: CryptoProvider,
  input: {
    conversationId: string;
    version: number;
    recipientDeviceId: DeviceId;
    recipientPublicKey: Uint8Array;
    key: Uint8Array;
    /** Test-vector generation only: a fixed ephemeral key pair. */
    ephemeral?: RawKeyPair;
  },
): Promise<KeyWrap> {
  if (input.key.length !== WRAPPED_KEY_LENGTH) throw new MalformedError('server key wrap: key must be 32 bytes');
  const { enc, ct } = await sealBase(
    provider,
    input.recipientPublicKey,
    wrapInfo('conversation', input.conversationId, input.version),
    serverKeyWrapAad(input.recipientDeviceId),
    input.key,
    input.ephemeral,
  );
  return { deviceId: input.recipientDeviceId, enc: toBase64Url(enc), ct: toBase64Url(ct) };
}

/** A device opens a server key wrap with its own id and X25519 private key; BadTagError for anything else. */
export async function openServerKeyWrap(
  provider: CryptoProvider,
  input: { conversationId: string; version: number; wrap: KeyWrap; deviceId: DeviceId; privateKey: Uint8Array; publicKey?: Uint8Array },
): Promise<Uint8Array> {
  const parsed = KeyWrapSchema.safeParse(input.wrap);
  if (!parsed.success) throw new MalformedError('server key wrap: malformed');
  const key = await openBase(
    provider,
    bytesOf(parsed.data.enc),
    input.privateKey,
    wrapInfo('conversation', input.conversationId, input.version),
    serverKeyWrapAad(input.deviceId),
    bytesOf(parsed.data.ct),
    input.publicKey,
  );
  if (key.length !== WRAPPED_KEY_LENGTH) throw new MalformedError('server key wrap: unwrapped key is not 32 bytes');
  return key;
}
