/**
 * The signed-in parts of the client core (docs/client.md, "Modules"), wired for one identity: directory
 * (pinned keys, certificates), key ring, conversation operations, the `MessageCrypto` port and the
 * device-link approver. Built once per sign-in by the `Client` facade; the identity's keys stay inside
 * these objects.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import { Conversations } from './conversations';
import { LinkApprover } from './deviceLinking';
import { Directory } from './directory';
import type { Identity } from './enrol';
import { KeyRing } from './keyRing';
import type { KeyServiceApi } from './keyServiceApi';
import { CoreMessageCrypto } from './messageCrypto';
import type { ProfileState } from './profileState';

export interface SignedIn {
  readonly identity: Identity;
  readonly directory: Directory;
  readonly ring: KeyRing;
  readonly conversations: Conversations;
  readonly crypto: CoreMessageCrypto;
  readonly approver: LinkApprover;
}

export function buildSignedIn(api: KeyServiceApi, provider: CryptoProvider, state: ProfileState, identity: Identity): SignedIn {
  const directory = new Directory(api, provider, state, { userId: identity.userId, accountKey: identity.account.publicKey });
  const ring = new KeyRing(
    api,
    provider,
    directory,
    { deviceId: identity.deviceId, x25519PrivateKey: identity.device.x25519.privateKey, x25519PublicKey: identity.device.x25519.publicKey },
    async (conversationId, version) => {
      const info = await api.request('getConversation', { params: { conversationId } });
      return info.currentVersion === version && !info.needsRotation ? new Set(info.members.map((m) => m.userId)) : undefined;
    },
  );
  const signing = { userId: identity.userId, deviceId: identity.deviceId, ed25519PrivateKey: identity.device.ed25519.privateKey };
  const conversations = new Conversations(api, provider, directory, ring, signing);
  const crypto = new CoreMessageCrypto(provider, ring, directory, conversations, signing);
  const approver = new LinkApprover(
    api,
    provider,
    {
      userId: identity.userId,
      deviceId: identity.deviceId,
      ed25519PublicKey: identity.device.ed25519.publicKey,
      accountPrivateKey: identity.account.privateKey,
    },
    directory,
    ring,
    conversations,
  );
  return { identity, directory, ring, conversations, crypto, approver };
}
