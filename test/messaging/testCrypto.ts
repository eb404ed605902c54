/**
 * A real MessageCrypto for the messaging tests: one device's view of conversation keys, built from the
 * protocol functions with real keys. Keys arrive as HPKE wraps (`receiveVersion`), members are admitted
 * by verified device certificates, envelopes are sealed and opened with sealEnvelope / openEnvelope. An
 * envelope whose key version this device lacks is `pending` until `receiveVersion` delivers that version.
 */
import { Emitter } from '../../src/common/events/emitter';
import type { ConversationId, DeviceId, UserId } from '../../src/common/ids';
import type { MessageCrypto, OpenOutcome } from '../../src/common/messaging/ports';
import { verifyDeviceCertificate, type DeviceCertificate } from '../../src/common/protocol/deviceCertificate';
import { decodeChatAction, type ChatActionType } from '../../src/common/protocol/chatAction';
import { openEnvelope, sealEnvelope } from '../../src/common/protocol/envelopeSeal';
import { isProtocolError, UnknownKeyVersionError } from '../../src/common/protocol/errors';
import { unwrapKey, wrapKey, type KeyWrap } from '../../src/common/protocol/keyWrap';
import type { MessagePlaintext } from '../../src/common/protocol/plaintext';
import { conversationPubnubChannel } from '../../src/common/pubnubChannels';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { provider, type TestDevice, type TestUser } from '../crypto/fixtures';

type Listener = (conversationId: ConversationId, keyVersion: number) => void;

export class TestDeviceCrypto implements MessageCrypto {
  private readonly keys = new Map<ConversationId, Map<number, Uint8Array>>();
  private readonly members = new Map<ConversationId, Map<DeviceId, { userId: UserId; signingKey: Uint8Array }>>();
  private readonly keyAvailable = new Emitter<Parameters<Listener>>();
  /** Counts open() calls that ended pending (the tests check pending was exercised). */
  pendingOpens = 0;

  constructor(
    readonly user: TestUser,
    readonly device: TestDevice,
  ) {}

  /** Admits a member device after verifying its certificate under the pinned account key. */
  async admit(conversationId: ConversationId, certificate: DeviceCertificate, accountKey: Uint8Array): Promise<void> {
    const cert = await verifyDeviceCertificate(provider, certificate, { accountKey });
    const map = this.members.get(conversationId) ?? new Map();
    map.set(cert.deviceId, { userId: cert.userId as UserId, signingKey: fromBase64Url(cert.ed25519) });
    this.members.set(conversationId, map);
  }

  /** Unwraps this device's wrap of a key version and announces it. */
  async receiveVersion(conversationId: ConversationId, version: number, wraps: readonly KeyWrap[]): Promise<void> {
    const wrap = wraps.find((w) => w.deviceId === this.device.deviceId);
    if (wrap === undefined) throw new Error(`no wrap for ${this.device.deviceId}`);
    const key = await unwrapKey(provider, {
      purpose: 'conversation',
      scopeId: conversationId,
      version,
      wrap,
      deviceId: this.device.deviceId,
      privateKey: this.device.keys.x25519.privateKey,
    });
    const versions = this.keys.get(conversationId) ?? new Map<number, Uint8Array>();
    versions.set(version, key);
    this.keys.set(conversationId, versions);
    this.keyAvailable.fire(conversationId, version);
  }

  currentVersion(conversationId: ConversationId): number | undefined {
    const versions = [...(this.keys.get(conversationId)?.keys() ?? [])];
    return versions.length === 0 ? undefined : Math.max(...versions);
  }

  async seal(conversationId: ConversationId, plaintext: MessagePlaintext, type?: ChatActionType): Promise<unknown> {
    const version = this.currentVersion(conversationId);
    if (version === undefined) throw new UnknownKeyVersionError(`no key for ${conversationId}`);
    if (type !== undefined) decodeChatAction(type, plaintext);
    return sealEnvelope(provider, {
      ...(type === undefined ? {} : { type }),
      conversationId,
      keyVersion: version,
      key: this.keys.get(conversationId)?.get(version) as Uint8Array,
      senderDevice: this.device.deviceId,
      signingPrivateKey: this.device.keys.ed25519.privateKey,
      plaintext,
      channel: conversationPubnubChannel(conversationId),
    });
  }

  async open(conversationId: ConversationId, envelope: unknown): Promise<OpenOutcome> {
    const members = this.members.get(conversationId);
    try {
      const opened = await openEnvelope(provider, envelope, {
        conversationId,
        keyForVersion: (v) => this.keys.get(conversationId)?.get(v),
        memberSigningKey: (d) => members?.get(d)?.signingKey,
      });
      const senderDevice = opened.header.senderDevice;
      const senderUser = members?.get(senderDevice)?.userId as UserId;
      // A chat action (§7.7, e.g. a reaction): its body is checked once the signature verified, as the client does.
      const chat = decodeChatAction(opened.header.type, opened.message);
      return { kind: 'ok', plaintext: opened.message, senderDevice, senderUser, keyVersion: opened.header.keyVersion, ...(chat === undefined ? {} : { chat }) };
    } catch (error) {
      if (error instanceof UnknownKeyVersionError) {
        this.pendingOpens += 1;
        return { kind: 'pending', keyVersion: (envelope as { keyVersion: number }).keyVersion };
      }
      if (isProtocolError(error)) return { kind: 'rejected', code: error.code, message: error.message };
      return { kind: 'rejected', code: 'internal', message: String(error) };
    }
  }

  onKeyAvailable(listener: Listener): () => void {
    return this.keyAvailable.event(listener);
  }
}

/** A conversation key version wrapped for every listed device (what the key service would hold). */
export async function newKeyVersion(conversationId: ConversationId, version: number, devices: readonly TestDevice[]): Promise<KeyWrap[]> {
  const key = provider.randomBytes(32);
  return Promise.all(
    devices.map((d) =>
      wrapKey(provider, {
        purpose: 'conversation',
        scopeId: conversationId,
        version,
        recipientDeviceId: d.deviceId,
        recipientPublicKey: d.keys.x25519.publicKey,
        key,
      }),
    ),
  );
}
