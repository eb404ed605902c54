/**
 * Conversation operations (docs/client.md): create 1:1 and group conversations, add
 * and remove members, change roles, leave, and rotate the key. Creating and every membership change are
 * statements this device signs (docs/protocol.md §15, membershipWriter.ts); every new key version names
 * the membership head it was made for and wraps to the certified devices of the current members
 * (certificates verified under pinned account keys); wraps of existing versions for an added member or
 * device carry this device's signed grant (§6.5). A rotation that loses a race (409 version_conflict,
 * 409 membership_changed) or meets a changed device set (422 member_devices_mismatch) re-reads and
 * retries; removal and revocation rotate at once, and `ensureSendable` rotates whatever is still marked
 * `needsRotation` before the next send.
 */
import type { DisappearingSeconds } from '../common/protocol/disappearing';
import type { CryptoProvider } from '../common/crypto/provider';
import type { ConversationView } from '../common/api/conversationSchemas';
import type { AssignableRole, ConversationKind, HistoryPolicy } from '../common/domain';
import { newConversationId, type ConversationId, type UserId } from '../common/ids';
import { AppError } from '../common/errors';
import { isProtocolError } from '../common/protocol/errors';
import { createKeyVersionRecord } from '../common/protocol/keyVersionRecord';
import { wrapKey, type KeyWrap } from '../common/protocol/keyWrap';
import { createWrapGrant, type WrapGrant } from '../common/protocol/wrapGrant';
import { MembershipForkError, MembershipRollbackError } from '../common/protocol/membershipChain';
import type { MembershipState } from '../common/protocol/membershipRules';
import type { Directory, TrustedDevice } from './directory';
import { InvalidInputError, KeyServiceError, MembershipMismatchError, RotationConflictError, VersionRollbackError } from './errors';
import type { KeyRing } from './keyRing';
import type { KeyServiceApi } from './keyServiceApi';
import type { MembershipLog } from './membershipLog';
import type { Custody } from './custody';
import { MembershipWriter, type SigningDevice } from './membershipWriter';
import { checkPostQuantumRecipients } from './postQuantum';

export type { SigningDevice } from './membershipWriter';

/** A conversation as the key service describes it (the wire view, docs/api.md; no key material). */
export type ConversationInfo = ConversationView;
export type ConversationMember = ConversationView['members'][number];

/** A wrap of an existing version for another device, with this device's grant (what POST …/wraps and add member take). */
export interface GrantedVersionWrap extends KeyWrap {
  readonly version: number;
  readonly grant: WrapGrant;
}

const MAX_ROTATION_ATTEMPTS = 6;

/** Refusals after which a rotation re-reads and submits again (a rotation or membership change won the race). */
const ROTATION_RETRIES = new Set(['version_conflict', 'member_devices_mismatch', 'membership_changed']);

/** Refusals after which a rotation re-reads the organisation's custody (its mode changed, docs/protocol.md §19) and submits again. */
const CUSTODY_RETRIES = new Set(['escrow_wrap_missing', 'escrow_recipient_mismatch', 'escrow_not_enabled', 'server_keys_only']);

export class Conversations {
  private readonly membership: MembershipWriter;
  /** What the last `list` left out because its membership did not verify, and why. */
  private refusals = new Map<ConversationId, AppError>();

  constructor(
    private readonly api: KeyServiceApi,
    private readonly provider: CryptoProvider,
    private readonly directory: Directory,
    private readonly ring: KeyRing,
    private readonly device: SigningDevice,
    private readonly log: MembershipLog,
    /** The organisation's key custody: in escrow mode every new version also carries an escrow wrap. */
    private readonly custody?: Custody,
    /** The managed policy `requirePostQuantum`, read at every wrap: refuse devices without an X-Wing key. */
    private readonly requirePostQuantum: () => boolean = () => false,
  ) {
    this.membership = new MembershipWriter(api, provider, device, (conversationId) => this.get(conversationId));
  }

  /**
   * The conversations this user is in, each checked against its verified membership chain. One that fails
   * the check is left out of the list (`refusal` tells why; opening it answers the typed error), one the
   * key service could not be asked about makes the whole list fail.
   */
  async list(): Promise<ConversationInfo[]> {
    const { conversations } = await this.api.request('listConversations');
    const out: ConversationInfo[] = [];
    const refusals = new Map<ConversationId, AppError>();
    for (const view of conversations) {
      try {
        out.push(await this.checked(view));
      } catch (err) {
        if (!isTrustFailure(err)) throw err;
        refusals.set(view.conversationId, err);
      }
    }
    this.refusals = refusals;
    return out;
  }

  /** Every conversation the last `list` left out, with why. */
  refused(): { conversationId: ConversationId; error: AppError }[] {
    return [...this.refusals].map(([conversationId, error]) => ({ conversationId, error }));
  }

  /**
   * The conversation as the key service describes it, once its members, roles, kind and history policy
   * agree with the membership chain this device verified (docs/protocol.md §15.4); throws the chain's
   * protocol error, `membership_missing`, or `membership_mismatch`.
   */
  async get(conversationId: ConversationId): Promise<ConversationInfo> {
    return this.checked(await this.api.request('getConversation', { params: { conversationId } }));
  }

  private async checked(view: ConversationInfo): Promise<ConversationInfo> {
    let verified = await this.log.upTo(view.conversationId, view.membershipHead);
    if (verified === null) return view;
    let current = view;
    // The chain moved on between the two answers: read the view once more.
    if (current.membershipHead === null || current.membershipHead.seq < verified.state.head.seq) {
      current = await this.api.request('getConversation', { params: { conversationId: view.conversationId } });
      verified = (await this.log.upTo(view.conversationId, current.membershipHead)) ?? verified;
    }
    const served = current.membershipHead;
    const head = verified.state.head;
    if (served === null || served.seq < head.seq) {
      throw new MembershipRollbackError(
        `the key service answers membership head ${served?.seq ?? 'none'} for ${view.conversationId}, older than the verified ${head.seq}`,
      );
    }
    if (served.seq === head.seq && served.hash !== head.hash)
      throw new MembershipForkError(`the key service answers another statement at the verified head ${head.seq}`);
    const mismatch = disagreement(current, verified.state);
    if (mismatch !== undefined) throw new MembershipMismatchError(view.conversationId, mismatch);
    return current;
  }

  /** Creates a conversation with the given other members from this device's signed genesis and submits key version 1. */
  async create(input: { kind: ConversationKind; members: readonly UserId[]; name?: string; historyPolicy?: HistoryPolicy }): Promise<ConversationInfo> {
    if (input.kind === 'direct' && input.members.length !== 1) throw new InvalidInputError('a direct conversation has exactly one other member');
    if (new Set(input.members).size !== input.members.length || input.members.includes(this.device.userId)) {
      throw new InvalidInputError('the members must be unique and must not include yourself');
    }
    await this.directory.assertSendable(input.members);
    const conversationId = newConversationId(this.provider);
    const genesis = await this.membership.genesis({
      conversationId,
      kind: input.kind,
      historyPolicy: input.historyPolicy ?? 'shared',
      members: [{ userId: this.device.userId, role: 'owner' }, ...input.members.map((userId) => ({ userId, role: 'member' as const }))],
    });
    await this.api.request('createConversation', { body: { genesis, ...(input.name !== undefined ? { name: input.name } : {}) } });
    await this.rotate(conversationId);
    return this.get(conversationId);
  }

  /**
   * Rotates when the conversation has no key yet, is marked for rotation, or this device was handed a wrap
   * of the current version that no record or grant covers (`uncovered_wrap`, docs/protocol.md §6.5: a
   * forged wrap, or one stored before grants existed) — it then sends under a key it made itself, never
   * under that one. Checks no member's identity changed.
   */
  async ensureSendable(conversationId: ConversationId): Promise<ConversationInfo> {
    let { info } = await this.membership.headToExtend(conversationId);
    await this.directory.assertSendable(info.members.map((m) => m.userId));
    this.assertNoRollback(info);
    if (
      info.needsRotation ||
      info.currentVersion === 0 ||
      (await this.currentWrapUncovered(conversationId, info.currentVersion)) ||
      (await this.currentVersionStale(info))
    ) {
      await this.rotate(conversationId);
      info = await this.get(conversationId);
      this.assertNoRollback(info);
    }
    return info;
  }

  /** Versions only go up: the key service may not name an older version current than one this device verified (§15.5). */
  private assertNoRollback(info: ConversationInfo): void {
    const newest = this.ring.heldVersions(info.conversationId).at(-1) ?? 0;
    if (info.currentVersion < newest) throw new VersionRollbackError(info.conversationId, info.currentVersion, newest);
  }

  /**
   * Whether the current version may not carry a message in a conversation with a chain (§15.5): its record
   * names no membership head, or a member was removed or left after the head it names — a rotation that
   * the key service failed to ask for. Adds do not make it stale: whoever added them granted the version.
   */
  private async currentVersionStale(info: ConversationInfo): Promise<boolean> {
    const verified = this.log.cached(info.conversationId);
    if (info.membershipHead === null || verified === undefined) return false;
    const held = await this.ring.get(info.conversationId, info.currentVersion).then(
      (k) => (k.fill(0), true),
      () => false, // sealing asks again and reports why
    );
    if (!held) return false;
    const bound = this.ring.membershipOf(info.conversationId, info.currentVersion);
    if (bound === undefined) return true;
    return verified.chain.some(({ statement }) => statement.seq > bound.seq && (statement.change.type === 'remove' || statement.change.type === 'leave'));
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
   * Submits version current+1 for the current member devices, bound to the membership head they were read
   * at. On 409 (another device rotated first, or the membership changed) or a changed device set it
   * re-reads and tries again; when a concurrent rotation already cleared the need, the winner's version is
   * used. Returns the version now current.
   */
  async rotate(conversationId: ConversationId, opts: { force?: boolean } = { force: true }): Promise<number> {
    let custodyReread = false;
    for (let attempt = 0; attempt < MAX_ROTATION_ATTEMPTS; attempt++) {
      const { info, head } = await this.membership.headToExtend(conversationId);
      if (attempt > 0 && !opts.force && !info.needsRotation && info.currentVersion > 0) return info.currentVersion;
      if ((await this.custody?.mode()) === 'server-trusted') {
        const made = await this.rotateOnServer(conversationId, !custodyReread);
        if (made !== undefined) return made;
        custodyReread = true;
        continue;
      }
      const recipients = await this.memberDevices(info);
      checkPostQuantumRecipients(recipients, this.requirePostQuantum());
      const version = info.currentVersion + 1;
      const { record, conversationKey } = await createKeyVersionRecord(this.provider, {
        conversationId,
        version,
        createdAt: Date.now(),
        createdByDevice: this.device.deviceId,
        signingPrivateKey: this.device.ed25519PrivateKey,
        recipients: recipients.map((d) => ({ deviceId: d.deviceId, x25519PublicKey: d.x25519, ...(d.xwing ? { xwingPublicKey: d.xwing } : {}) })),
        ...(head !== null ? { membership: head } : {}),
      });
      try {
        const escrow = await this.custody?.escrowWrapFor(conversationId, version, conversationKey);
        const accepted = await this.api.request('submitKeyVersion', { params: { conversationId }, body: { record, ...(escrow ? { escrow } : {}) } });
        this.ring.remember(conversationId, version, conversationKey, {
          membership: head ?? undefined,
          memberDevices: record.memberDevices,
          acceptedAt: accepted.acceptedAt,
        });
        return version;
      } catch (err) {
        if (this.custody && !custodyReread && err instanceof KeyServiceError && CUSTODY_RETRIES.has(err.code)) {
          custodyReread = true;
          conversationKey.fill(0);
          await this.custody.refresh({ rotate: false });
          continue;
        }
        if (err instanceof AppError && (err.code === 'escrow_recipient_changed' || err.code === 'custody_mode_mismatch')) conversationKey.fill(0);
        if (!(err instanceof KeyServiceError) || !ROTATION_RETRIES.has(err.code)) throw err;
        // A version another device made satisfies an on-demand rotation; a membership change made none.
        if (err.code !== 'membership_changed') opts = { force: false };
      }
    }
    throw new RotationConflictError(conversationId, MAX_ROTATION_ATTEMPTS);
  }

  /**
   * Server-trusted custody (docs/protocol.md §19.4): asks the key service to make version current+1, once
   * this device accepted server-made keys (`server_key_refused` otherwise). Answers the version, or
   * undefined when the key service is no longer in server-trusted mode (the custody was re-read; the caller
   * makes the version itself); another rotation that won the race is answered as the version now current.
   */
  private async rotateOnServer(conversationId: ConversationId, mayReread: boolean): Promise<number | undefined> {
    this.custody!.assertServerKeysAccepted();
    try {
      return (await this.api.request('rotateServerKey', { params: { conversationId } })).version;
    } catch (err) {
      if (err instanceof KeyServiceError && err.code === 'custody_not_server_trusted' && mayReread) {
        await this.custody!.refresh({ rotate: false });
        return undefined;
      }
      if (err instanceof KeyServiceError && err.code === 'version_conflict') return (await this.get(conversationId)).currentVersion;
      throw err;
    }
  }

  /** The certified devices of every member, from one directory lookup for the whole group. */
  private async memberDevices(info: ConversationInfo): Promise<TrustedDevice[]> {
    const byUser = await this.directory.devicesOfMany(info.members.map((m) => m.userId));
    return info.members.flatMap((m) => byUser.get(m.userId) ?? []);
  }

  /** Adds a member (a signed `add`) with wraps of every version the history policy grants them (shared: all, joined: current). */
  async addMember(conversationId: ConversationId, userId: UserId, role: AssignableRole = 'member'): Promise<ConversationInfo> {
    await this.directory.assertSendable([userId]);
    await this.ensureSendable(conversationId);
    const devices = await this.directory.devicesOf(userId);
    return this.membership.append(conversationId, { type: 'add', userId, role }, (info) => {
      const versions = info.historyPolicy === 'shared' ? range(1, info.currentVersion) : [info.currentVersion];
      return this.wrapsFor(conversationId, versions, devices);
    });
  }

  /**
   * Wraps the held keys of `versions` for `devices`, each with this device's signed grant (docs/protocol.md
   * §6.5); the versions this device cannot read are skipped.
   */
  async wrapsFor(conversationId: ConversationId, versions: readonly number[], devices: readonly TrustedDevice[]): Promise<GrantedVersionWrap[]> {
    checkPostQuantumRecipients(devices, this.requirePostQuantum());
    const wraps: GrantedVersionWrap[] = [];
    for (const version of versions) {
      const key = await this.ring.get(conversationId, version).catch((err: unknown) => {
        if (err instanceof KeyServiceError && (err.code === 'no_wrap' || err.code === 'before_membership')) return undefined;
        if (err instanceof AppError && err.code === 'server_key_refused') return undefined;
        throw err;
      });
      if (key === undefined) continue;
      // The key service serves the versions it made to every entitled member itself (§19.4): no wrap, no grant.
      if (this.ring.facts(conversationId, version)?.serverMade === true) {
        key.fill(0);
        continue;
      }
      try {
        for (const d of devices) {
          const w = await wrapKey(this.provider, {
            purpose: 'conversation',
            scopeId: conversationId,
            version,
            recipientDeviceId: d.deviceId,
            recipientPublicKey: d.x25519,
            ...(d.xwing ? { recipientXWingPublicKey: d.xwing } : {}),
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

  /** Removes a member (a signed `remove`; for oneself, a `leave`) and rotates at once so they cannot read what follows. */
  async removeMember(conversationId: ConversationId, userId: UserId): Promise<ConversationInfo> {
    if (userId === this.device.userId) return this.membership.append(conversationId, { type: 'leave' });
    await this.membership.append(conversationId, { type: 'remove', userId });
    await this.rotate(conversationId, { force: false });
    return this.get(conversationId);
  }

  /** Changes a member's role (a signed `role`, the owner's). */
  setRole(conversationId: ConversationId, userId: UserId, role: AssignableRole): Promise<ConversationInfo> {
    return this.membership.append(conversationId, { type: 'role', userId, role });
  }

  /** Sets the disappearing-messages timer (a signed `disappearing`, an owner's or admin's; docs/protocol.md §15.8). */
  setDisappearing(conversationId: ConversationId, seconds: DisappearingSeconds): Promise<ConversationInfo> {
    return this.membership.append(conversationId, { type: 'disappearing', seconds });
  }

  async rename(conversationId: ConversationId, name: string): Promise<ConversationInfo> {
    return this.api.request('renameConversation', { params: { conversationId }, body: { name } });
  }

  /** Leaves (a signed `leave`); the remaining members rotate before their next send (they see the leave in the chain). */
  async leave(conversationId: ConversationId): Promise<void> {
    await this.membership.append(conversationId, { type: 'leave' });
    this.log.forget(conversationId);
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

/** Failures that mean the conversation's membership cannot be trusted (not a network or service failure). */
function isTrustFailure(err: unknown): err is AppError {
  return isProtocolError(err) || (err instanceof AppError && (err.code === 'membership_mismatch' || err.code === 'membership_missing'));
}

/** How the key service's view differs from the verified state, or undefined when they agree. */
function disagreement(view: ConversationInfo, state: MembershipState): string | undefined {
  if (view.membershipHead?.seq !== state.head.seq || view.membershipHead.hash !== state.head.hash)
    return `head ${view.membershipHead?.seq ?? 'none'} is not the verified ${state.head.seq}`;
  if (view.kind !== state.kind) return `kind ${view.kind} is not ${state.kind}`;
  if (view.historyPolicy !== state.historyPolicy) return `history policy ${view.historyPolicy} is not ${state.historyPolicy}`;
  const served = new Map(view.members.map((m) => [m.userId as string, m.role]));
  for (const [userId, member] of state.members) {
    const role = served.get(userId);
    if (role === undefined) return `${userId} is missing`;
    if (role !== member.role) return `${userId} is ${role}, not ${member.role}`;
  }
  const ghost = [...served.keys()].find((userId) => !state.members.has(userId));
  if (ghost !== undefined) return `${ghost} is listed but not a member`;
  return undefined;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v++) out.push(v);
  return out;
}
