/**
 * The client core's `MessageCrypto` (src/common/messaging/ports.ts; docs/messaging.md §Ports): seals with
 * the conversation's current key version — rotating first when a removal or revocation is pending and
 * refusing when a member's identity key changed — and opens envelopes with the key ring, answering
 * `pending` (and fetching the version lazily) when the version is not held yet. Sender devices are trusted
 * when their certificate verifies under the pinned key of their user (docs/protocol.md §7.4). The keys it
 * gets from the ring are its own copies, zeroed when the seal or open is done.
 */
import { conversationPubnubChannel } from '../common/pubnubChannels';
import type { CryptoProvider } from '../common/crypto/provider';
import type { ConversationId, DeviceId, UserId } from '../common/ids';
import type { MessageCrypto, OpenOutcome, ReceivedAt } from '../common/messaging/ports';
import { openEnvelope, sealEnvelope } from '../common/protocol/envelopeSeal';
import { isProtocolError, UnknownKeyVersionError } from '../common/protocol/errors';
import type { MessagePlaintext } from '../common/protocol/plaintext';
import type { Conversations } from './conversations';
import type { Directory } from './directory';
import type { KeyRing } from './keyRing';

export class CoreMessageCrypto implements MessageCrypto {
  constructor(
    private readonly provider: CryptoProvider,
    private readonly ring: KeyRing,
    private readonly directory: Directory,
    private readonly conversations: Conversations,
    private readonly device: { readonly deviceId: DeviceId; readonly ed25519PrivateKey: Uint8Array },
  ) {}

  async seal(conversationId: ConversationId, plaintext: MessagePlaintext): Promise<unknown> {
    const info = await this.conversations.ensureSendable(conversationId);
    const key = await this.ring.get(conversationId, info.currentVersion);
    try {
      return await sealEnvelope(this.provider, {
        conversationId,
        keyVersion: info.currentVersion,
        key,
        senderDevice: this.device.deviceId,
        signingPrivateKey: this.device.ed25519PrivateKey,
        plaintext,
        channel: conversationPubnubChannel(conversationId),
      });
    } finally {
      key.fill(0);
    }
  }

  async open(conversationId: ConversationId, envelope: unknown, _received?: ReceivedAt): Promise<OpenOutcome> {
    let senderUser: UserId | undefined;
    let key: Uint8Array | undefined;
    try {
      const opened = await openEnvelope(this.provider, envelope, {
        conversationId,
        keyForVersion: (v) => (key = this.ring.held(conversationId, v)),
        memberSigningKey: async (deviceId) => {
          const d = await this.directory.device(deviceId).catch(() => undefined);
          senderUser = d?.userId;
          return d?.ed25519;
        },
      });
      if (senderUser === undefined) return { kind: 'rejected', code: 'signer_not_member', message: 'sender device unknown' };
      return { kind: 'ok', plaintext: opened.message, senderDevice: opened.header.senderDevice, senderUser, keyVersion: opened.header.keyVersion };
    } catch (err) {
      if (err instanceof UnknownKeyVersionError) {
        const version = (envelope as { keyVersion?: unknown }).keyVersion;
        if (typeof version === 'number' && Number.isInteger(version) && version > 0) {
          const refused = this.ring.failure(conversationId, version);
          if (refused) return { kind: 'rejected', code: refused.code, message: `key version ${version} was refused: ${refused.message}` };
          this.ring.request(conversationId, version);
          return { kind: 'pending', keyVersion: version };
        }
      }
      if (isProtocolError(err)) return { kind: 'rejected', code: err.code, message: err.message };
      return { kind: 'rejected', code: 'open_failed', message: err instanceof Error ? err.message : String(err) };
    } finally {
      key?.fill(0);
    }
  }

  onKeyAvailable(listener: (conversationId: ConversationId, keyVersion: number) => void): () => void {
    return this.ring.onKey(listener);
  }
}
