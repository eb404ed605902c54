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
import { decodeAttachmentMessage } from '../common/protocol/attachmentMessage';
import { decodeChatAction, type ChatActionType } from '../common/protocol/chatAction';
import type { PushMetadata } from '../common/protocol/envelope';
import { openEnvelope, sealEnvelope, type OpenedEnvelope } from '../common/protocol/envelopeSeal';
import { checkOwnStatus, decodePresenceStatus, type PresenceStatus } from '../common/protocol/presenceStatus';
import {
  isProtocolError,
  SenderRemovedError,
  SenderRevokedError,
  SignerNotMemberError,
  UnknownKeyVersionError,
  WrongEnvelopeTypeError,
  type ProtocolError,
} from '../common/protocol/errors';
import type { MembershipLog } from './membershipLog';
import type { MessagePlaintext } from '../common/protocol/plaintext';
import type { Conversations } from './conversations';
import type { Directory } from './directory';
import type { KeyRing } from './keyRing';

/**
 * How far the relay's clock (timetokens) and the key service's (acceptance, revocation times) may differ,
 * and a message be in flight, before a message after a removal or revocation is refused (§7.4).
 */
export const SENDER_TOLERANCE_MS = 120_000;

/** A relay timetoken (1e-4 ms units) in ms; undefined when it is not one. */
function timetokenMs(timetoken: string): number | undefined {
  return /^\d{1,20}$/.test(timetoken) ? Number(BigInt(timetoken) / 10_000n) : undefined;
}

/** What opening a presence status (§7.8) answers: the verified status, or why it was refused. */
export type PresenceOpenOutcome =
  { kind: 'ok'; status: PresenceStatus; senderUser: UserId; senderDevice: DeviceId; sentAt: number } | Exclude<OpenOutcome, { kind: 'ok' }>;

export class CoreMessageCrypto implements MessageCrypto {
  constructor(
    private readonly provider: CryptoProvider,
    private readonly ring: KeyRing,
    private readonly directory: Directory,
    private readonly conversations: Conversations,
    private readonly device: { readonly deviceId: DeviceId; readonly ed25519PrivateKey: Uint8Array },
    private readonly membership: MembershipLog,
    /** The clear Mobile Push part for a message or reply to this conversation (managed policy `pushPayload`); none by default. */
    private readonly pushFor: (conversationId: ConversationId) => PushMetadata = () => ({}),
  ) {}

  /** Seals a message, a chat action (§7.7), a presence status (§7.8, from `presencePlaintext`) or a file (§7.9). */
  async seal(conversationId: ConversationId, plaintext: MessagePlaintext, type?: ChatActionType | 'presence' | 'attachment'): Promise<unknown> {
    if (type === 'presence') decodePresenceStatus(type, plaintext);
    else if (type === 'attachment') decodeAttachmentMessage(type, plaintext);
    else if (type !== undefined) decodeChatAction(type, plaintext);
    const info = await this.conversations.ensureSendable(conversationId);
    const key = await this.ring.get(conversationId, info.currentVersion);
    try {
      return await sealEnvelope(this.provider, {
        ...(type === undefined ? {} : { type }),
        conversationId,
        keyVersion: info.currentVersion,
        key,
        senderDevice: this.device.deviceId,
        signingPrivateKey: this.device.ed25519PrivateKey,
        plaintext,
        // Only new messages, replies and files wake a phone; edits, deletes, receipts and controls never carry a push part.
        ...(type === undefined || type === 'reply' || type === 'attachment' ? { push: this.pushFor(conversationId) } : {}),
        channel: conversationPubnubChannel(conversationId),
      });
    } finally {
      key.fill(0);
    }
  }

  async open(conversationId: ConversationId, envelope: unknown, received?: ReceivedAt): Promise<OpenOutcome> {
    const opened = await this.openChecked(conversationId, envelope, received, (type) => {
      // A presence status is only ever presence state (§7.8): published as a message it is refused.
      if (type === 'presence') throw new WrongEnvelopeTypeError('a presence status is not a message');
    });
    if (opened.kind !== 'ok') return opened;
    // A reply, edit or delete (§7.7): its body is checked here, once the signature verified.
    let chat;
    let attachment;
    try {
      chat = decodeChatAction(opened.header.type, opened.message);
      attachment = decodeAttachmentMessage(opened.header.type, opened.message);
    } catch (err) {
      if (isProtocolError(err)) return { kind: 'rejected', code: err.code, message: err.message };
      throw err;
    }
    return {
      kind: 'ok',
      plaintext: opened.message,
      senderDevice: opened.header.senderDevice,
      senderUser: opened.senderUser,
      keyVersion: opened.header.keyVersion,
      ...(chat === undefined ? {} : { chat }),
      ...(attachment === undefined ? {} : { attachment }),
    };
  }

  /**
   * Opens the presence status (§7.8) found in the presence state of PubNub user id `stateOf` on the
   * conversation's channel: every check of §7.4 but the timetoken ones (state has no timetoken), then the
   * envelope must be of type `presence` (`wrong_envelope_type`), its body the closed shape (`malformed`) and
   * its verified sender user `stateOf` (`presence_not_own`).
   */
  async openPresence(conversationId: ConversationId, envelope: unknown, stateOf: string): Promise<PresenceOpenOutcome> {
    const opened = await this.openChecked(
      conversationId,
      envelope,
      undefined,
      (type) => {
        if (type !== 'presence') throw new WrongEnvelopeTypeError(`a ${type} envelope is not a presence status`);
      },
      true,
    );
    if (opened.kind !== 'ok') return opened;
    try {
      const status = decodePresenceStatus(opened.header.type, opened.message);
      checkOwnStatus(stateOf, opened.senderUser);
      return { kind: 'ok', status, senderUser: opened.senderUser, senderDevice: opened.header.senderDevice, sentAt: opened.message.sentAt };
    } catch (err) {
      if (isProtocolError(err)) return { kind: 'rejected', code: err.code, message: err.message };
      throw err;
    }
  }

  /**
   * §7.4 steps 1–8 with `checkType` run on the header type before the signature is checked (it throws a
   * protocol error for a type that does not belong here). `noFetch`: a key version not held is refused at
   * once instead of being asked for (presence state is not worth a key-service round trip per heartbeat).
   */
  private async openChecked(
    conversationId: ConversationId,
    envelope: unknown,
    received: ReceivedAt | undefined,
    checkType: (type: string) => void,
    noFetch = false,
  ): Promise<(OpenedEnvelope & { kind: 'ok'; senderUser: UserId }) | Exclude<OpenOutcome, { kind: 'ok' }>> {
    let senderUser: UserId | undefined;
    let key: Uint8Array | undefined;
    try {
      const type = (envelope as { type?: unknown } | null)?.type;
      if (typeof type === 'string') checkType(type);
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
      const refusal = await this.senderRefusal(conversationId, opened.header.keyVersion, opened.header.senderDevice, senderUser, received);
      if (refusal !== undefined) return { kind: 'rejected', code: refusal.code, message: refusal.message };
      return { ...opened, kind: 'ok', senderUser };
    } catch (err) {
      if (err instanceof UnknownKeyVersionError && !noFetch) {
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

  /**
   * The sender checks of docs/protocol.md §7.4 beyond the signature, from what this device verified: the
   * sender was a member for the version (a member device of its record, or its user a member from the
   * version's head until the next version's); it was not removed before the envelope was relayed (a later
   * version w leaves its user out, and the relay's timetoken is after w was accepted plus the tolerance);
   * its device was not revoked before (a signed revocation, plus the tolerance). Without a timetoken only
   * the first check applies; for a conversation made before chains existed, only the revocation check.
   */
  private async senderRefusal(
    conversationId: ConversationId,
    version: number,
    senderDevice: DeviceId,
    senderUser: UserId,
    received: ReceivedAt | undefined,
  ): Promise<ProtocolError | undefined> {
    const facts = this.ring.facts(conversationId, version);
    if (facts === undefined) return undefined;
    const sentAt = received === undefined ? undefined : timetokenMs(received.timetoken);
    const later = this.ring
      .heldVersions(conversationId)
      .filter((v) => v > version)
      .map((v) => this.ring.facts(conversationId, v))
      .filter((f) => f !== undefined);
    if (facts.membership !== undefined) {
      const until = later.find((f) => f.membership !== undefined)?.membership?.seq;
      const member = facts.memberDevices.includes(senderDevice) || this.membership.wasMember(conversationId, senderUser, facts.membership.seq, until);
      if (member === false) return new SignerNotMemberError(`${senderUser} was not a member for key version ${version}`);
      if (sentAt !== undefined) {
        for (const w of later) {
          if (w.membership === undefined || sentAt <= w.acceptedAt + SENDER_TOLERANCE_MS) continue;
          if (this.membership.membersAt(conversationId, w.membership.seq)?.has(senderUser) === false) {
            return new SenderRemovedError(`${senderUser} was removed before this message was sent (a newer key version leaves them out)`);
          }
        }
      }
    }
    if (sentAt !== undefined) {
      // Relayed later than the device was last looked up (plus the tolerance): a revocation made since would not be known, so ask again.
      const checkedAt = this.directory.checkedAt(senderDevice);
      const fresh = checkedAt !== undefined && sentAt > checkedAt + SENDER_TOLERANCE_MS;
      const device = await this.directory.device(senderDevice, { fresh }).catch(() => undefined);
      if (device?.revokedAt !== undefined && sentAt > device.revokedAt + SENDER_TOLERANCE_MS) {
        return new SenderRevokedError(`device ${senderDevice} was revoked by its account before this message was sent`);
      }
    }
    return undefined;
  }

  onKeyAvailable(listener: (conversationId: ConversationId, keyVersion: number) => void): () => void {
    return this.ring.onKey(listener);
  }
}
