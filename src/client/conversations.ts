/**
 * Conversation operations (docs/client.md): create 1:1 and group conversations, add
 * and remove members, change roles, leave, and rotate the key. Every new key version wraps to the
 * certified devices of the current members (certificates verified under pinned account keys); wraps of
 * existing versions for an added member or device carry this device's signed grant (docs/protocol.md
 * §6.5). A rotation that loses a race (409 version_conflict) or meets a changed device set (422 member_devices_mismatch)
 * re-reads and retries; removal and revocation rotate at once, and `ensureSendable` rotates whatever is
 * still marked `needsRotation` before the next send.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import type { ConversationView } from '../common/api/conversationSchemas';
import type { AssignableRole, ConversationKind, HistoryPolicy } from '../common/domain';
import type { ConversationId, DeviceId, UserId } from '../common/ids';
import { isProtocolError } from '../common/protocol/errors';
import { createKeyVersionRecord } from '../common/protocol/keyVersionRecord';
import { wrapKey, type KeyWrap } from '../common/protocol/keyWrap';
import { createWrapGrant, type WrapGrant } from '../common/protocol/wrapGrant';
import type { Directory, TrustedDevice } from './directory';
import { InvalidInputError, KeyServiceError, RotationConflictError } from './errors';
import type { KeyRing } from './keyRing';
import type { KeyServiceApi } from './keyServiceApi';

/** A conversation as the key service describes it (the wire view, docs/api.md; no key material). */
export type ConversationInfo = ConversationView;
export type ConversationMember = ConversationView['members'][number];

/** What signing a new version needs of this device. */
export interface SigningDevice {
  readonly deviceId: DeviceId;
  readonly ed25519PrivateKey: Uint8Array;
}

/** A wrap of an existing version for another device, with this device's grant (what POST …/wraps and add member take). */
export interface GrantedVersionWrap extends KeyWrap {
  readonly version: number;
  readonly grant: WrapGrant;
}

const MAX_ROTATION_ATTEMPTS = 6;

export class Conversations {
  constructor(
    private readonly api: KeyServiceApi,
    private readonly provider: CryptoProvider,
    private readonly directory: Directory,
    private readonly ring: KeyRing,
    private readonly device: SigningDevice,
  ) {}

  list(): Promise<ConversationInfo[]> {
    return this.api.request('listConversations').then((r) => r.conversations);
  }

  get(conversationId: ConversationId): Promise<ConversationInfo> {
    return this.api.request('getConversation', { params: { conversationId } });
  }

  /** Creates a conversation with the given other members and submits key version 1. */
  async create(input: { kind: ConversationKind; members: readonly UserId[]; name?: string; historyPolicy?: HistoryPolicy }): Promise<ConversationInfo> {
    if (input.kind === 'direct' && input.members.length !== 1) throw new InvalidInputError('a direct conversation has exactly one other member');
    await this.directory.assertSendable(input.members);
    const created = await this.api.request('createConversation', {
      body: {
        kind: input.kind,
        members: [...input.members],
        historyPolicy: input.historyPolicy ?? 'shared',
        ...(input.name !== undefined ? { name: input.name } : {}),
      },
    });
    await this.rotate(created.conversationId);
    return this.get(created.conversationId);
  }

  /**
   * Rotates when the conversation has no key yet, is marked for rotation, or this device was handed a wrap
   * of the current version that no record or grant covers (`uncovered_wrap`, docs/protocol.md §6.5: a
   * forged wrap, or one stored before grants existed) — it then sends under a key it made itself, never
   * under that one. Checks no member's identity changed.
   */
  async ensureSendable(conversationId: ConversationId): Promise<ConversationInfo> {
    let info = await this.get(conversationId);
    await this.directory.assertSendable(info.members.map((m) => m.userId));
    if (info.needsRotation || info.currentVersion === 0 || (await this.currentWrapUncovered(conversationId, info.currentVersion))) {
      await this.rotate(conversationId);
      info = await this.get(conversationId);
    }
    return info;
  }

  /** True when the ring refuses the current version because no record or grant covers this device's wrap. */
  private async currentWrapUncovered(conversationId: ConversationId, version: number): Promise<boolean> {
    if (this.ring.holds(conversationId, version)) return false;
    return this.ring.get(conversationId, version).then(
      (key) => {
        key.fill(0);
        return false;
      },
      (err: unknown) => isProtocolError(err) && err.code === 'uncovered_wrap',
    );
  }

  /**
   * Submits version current+1 for the current member devices. On 409 (another device rotated first) or a
   * changed device set it re-reads and tries again; when a concurrent rotation already cleared the need,
   * the winner's version is used. Returns the version now current.
   */
  async rotate(conversationId: ConversationId, opts: { force?: boolean } = { force: true }): Promise<number> {
    for (let attempt = 0; attempt < MAX_ROTATION_ATTEMPTS; attempt++) {
      const info = await this.get(conversationId);
      if (attempt > 0 && !opts.force && !info.needsRotation && info.currentVersion > 0) return info.currentVersion;
      const recipients = await this.memberDevices(info);
      const version = info.currentVersion + 1;
      const { record, conversationKey } = await createKeyVersionRecord(this.provider, {
        conversationId,
        version,
        createdAt: Date.now(),
        createdByDevice: this.device.deviceId,
        signingPrivateKey: this.device.ed25519PrivateKey,
        recipients: recipients.map((d) => ({ deviceId: d.deviceId, x25519PublicKey: d.x25519 })),
      });
      try {
        await this.api.request('submitKeyVersion', { params: { conversationId }, body: { record } });
        this.ring.remember(conversationId, version, conversationKey);
        return version;
      } catch (err) {
        if (!(err instanceof KeyServiceError) || !['version_conflict', 'member_devices_mismatch'].includes(err.code)) throw err;
        opts = { force: false };
      }
    }
    throw new RotationConflictError(conversationId, MAX_ROTATION_ATTEMPTS);
  }

  /** The certified devices of every member, from one directory lookup for the whole group. */
  private async memberDevices(info: ConversationInfo): Promise<TrustedDevice[]> {
    const byUser = await this.directory.devicesOfMany(info.members.map((m) => m.userId));
    return info.members.flatMap((m) => byUser.get(m.userId) ?? []);
  }

  /** Adds a member with wraps of every version the history policy grants them (shared: all, joined: current). */
  async addMember(conversationId: ConversationId, userId: UserId, role: AssignableRole = 'member'): Promise<ConversationInfo> {
    await this.directory.assertSendable([userId]);
    let info = await this.ensureSendable(conversationId);
    const devices = await this.directory.devicesOf(userId);
    const versions = info.historyPolicy === 'shared' ? range(1, info.currentVersion) : [info.currentVersion];
    const wraps = await this.wrapsFor(conversationId, versions, devices);
    await this.api.request('addMember', { params: { conversationId }, body: { userId, role, wraps } });
    info = await this.get(conversationId);
    return info;
  }

  /**
   * Wraps the held keys of `versions` for `devices`, each with this device's signed grant (docs/protocol.md
   * §6.5); the versions this device cannot read are skipped.
   */
  async wrapsFor(conversationId: ConversationId, versions: readonly number[], devices: readonly TrustedDevice[]): Promise<GrantedVersionWrap[]> {
    const wraps: GrantedVersionWrap[] = [];
    for (const version of versions) {
      const key = await this.ring.get(conversationId, version).catch((err: unknown) => {
        if (err instanceof KeyServiceError && (err.code === 'no_wrap' || err.code === 'before_membership')) return undefined;
        throw err;
      });
      if (key === undefined) continue;
      try {
        for (const d of devices) {
          const w = await wrapKey(this.provider, {
            purpose: 'conversation',
            scopeId: conversationId,
            version,
            recipientDeviceId: d.deviceId,
            recipientPublicKey: d.x25519,
            key,
          });
          const grant = await createWrapGrant(this.provider, {
            conversationId,
            version,
            wrap: w,
            grantedBy: this.device.deviceId,
            grantedAt: Date.now(),
            signingPrivateKey: this.device.ed25519PrivateKey,
          });
          wraps.push({ version, ...w, grant });
        }
      } finally {
        key.fill(0);
      }
    }
    return wraps;
  }

  /** Removes a member (or leaves, for oneself) and rotates at once so they cannot read what follows. */
  async removeMember(conversationId: ConversationId, userId: UserId): Promise<ConversationInfo> {
    await this.api.request('removeMember', { params: { conversationId, userId } });
    await this.rotate(conversationId, { force: false });
    return this.get(conversationId);
  }

  async setRole(conversationId: ConversationId, userId: UserId, role: AssignableRole): Promise<ConversationInfo> {
    await this.api.request('setMemberRole', { params: { conversationId, userId }, body: { role } });
    return this.get(conversationId);
  }

  async rename(conversationId: ConversationId, name: string): Promise<ConversationInfo> {
    return this.api.request('renameConversation', { params: { conversationId }, body: { name } });
  }

  /** Leaves; the remaining members rotate before their next send (the service marks needsRotation). */
  async leave(conversationId: ConversationId): Promise<void> {
    await this.api.request('leaveConversation', { params: { conversationId } });
  }

  /** Rotates every conversation still marked for rotation (after revoking a device). */
  async rotatePending(): Promise<ConversationId[]> {
    const rotated: ConversationId[] = [];
    for (const c of await this.list()) {
      if (c.needsRotation) {
        await this.rotate(c.conversationId, { force: false });
        rotated.push(c.conversationId);
      }
    }
    return rotated;
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v++) out.push(v);
  return out;
}
