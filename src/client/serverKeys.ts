/**
 * Taking a key version the key service made (server-trusted custody, docs/protocol.md §19.4), for the key
 * ring: first this device's consent (`Custody.assertServerKeysAccepted`: the managed policy names
 * server-trusted custody, or the user accepted it; `server_key_refused` otherwise, before any request),
 * then `GET …/server-keys/{version}`, whose answer must be for the conversation, version and device asked
 * (`wrong_conversation`, `wrong_key_version`, `incomplete_wraps`), then the wrap opened with this device's
 * key of the wrap's suite and the server-key aad (`bad_tag` for anything else). A device with an X-Wing key
 * takes X-Wing server wraps only: an X25519 one — a key service (or anyone between) leaving out the
 * post-quantum half — is `suite_downgrade`, before anything is opened (docs/protocol.md §5.1, §19.4).
 * No member signed such a version: the facts carry the membership head the key service names and
 * `serverMade`.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import type { ConversationId } from '../common/ids';
import { IncompleteWrapsError, WrongConversationError, WrongKeyVersionError } from '../common/protocol/errors';
import { openServerKeyWrap } from '../common/protocol/serverKeyWrap';
import type { Custody } from './custody';
import type { RingDevice, ServerKeySource } from './keyRing';
import type { KeyServiceApi } from './keyServiceApi';

/** This device as the key ring knows it, with its X-Wing private key when its certificate has an X-Wing key. */
export type ServerKeyDevice = RingDevice & { readonly xwingPrivateKey?: Uint8Array };

export function serverKeySource(api: KeyServiceApi, provider: CryptoProvider, device: ServerKeyDevice, custody: () => Custody): ServerKeySource {
  return async (conversationId: ConversationId, version: number) => {
    custody().assertServerKeysAccepted();
    const answer = await api.request('getServerKey', { params: { conversationId, version } });
    if (answer.conversationId !== conversationId) throw new WrongConversationError(`the key service answered ${answer.conversationId}, not ${conversationId}`);
    if (answer.version !== version) throw new WrongKeyVersionError(`the key service answered version ${answer.version}, not ${version}`);
    if (answer.wrap.deviceId !== device.deviceId) throw new IncompleteWrapsError(`the key service answered a wrap for ${answer.wrap.deviceId}`);
    const key = await openServerKeyWrap(provider, {
      conversationId,
      version,
      wrap: answer.wrap,
      deviceId: device.deviceId,
      privateKey: device.x25519PrivateKey,
      publicKey: device.x25519PublicKey,
      ...(device.xwingPrivateKey !== undefined ? { xwingPrivateKey: device.xwingPrivateKey } : {}),
    });
    return { key, facts: { membership: answer.membership ?? undefined, memberDevices: [], acceptedAt: answer.createdAt, serverMade: true } };
  };
}
