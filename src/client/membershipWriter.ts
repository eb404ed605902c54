/**
 * The client's write side of membership statements (docs/protocol.md §15, docs/client.md): this device
 * signs every membership change its user makes — the genesis of a new conversation, add, remove, leave,
 * role — after the conversation's current head and appends it; a statement that lost a race (409
 * `membership_conflict`) is signed again once after re-reading. A conversation made before statements
 * existed gets its migrated genesis (§15.6) from its owner's device on first use.
 *
 * `headToExtend` is the one place the head comes from: the head of the chain this device verified and
 * pinned (membershipLog.ts), read through `read`, which refuses a conversation whose view disagrees with
 * it. Everything that signs after a head — statements here, key versions in conversations.ts — follows.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import type { ConversationKind, HistoryPolicy, Role } from '../common/domain';
import type { ConversationId, DeviceId, UserId } from '../common/ids';
import type { MembershipHead } from '../common/protocol/membershipHead';
import { genesisState, MembershipRuleError } from '../common/protocol/membershipRules';
import { signMembershipStatement, type MembershipChange, type MembershipStatement } from '../common/protocol/membershipStatement';
import type { ConversationInfo, GrantedVersionWrap } from './conversations';
import { KeyServiceError, MembershipUnmigratedError } from './errors';
import type { KeyServiceApi } from './keyServiceApi';

/** What signing needs of this device: who it acts for and its Ed25519 key. */
export interface SigningDevice {
  readonly userId: UserId;
  readonly deviceId: DeviceId;
  readonly ed25519PrivateKey: Uint8Array;
}

/** A conversation as read, and the head this device signs its next statement or key version after. */
export interface ExtendFrom {
  readonly info: ConversationInfo;
  /** Null only for a conversation without a chain that this device cannot start (its user is not the owner). */
  readonly head: MembershipHead | null;
}

/** Makes the wraps an `add` carries, for the conversation as read when the statement is signed. */
export type WrapsForAdd = (info: ConversationInfo) => Promise<GrantedVersionWrap[]>;

const isConflict = (err: unknown, code: string) => err instanceof KeyServiceError && err.code === code;

/** Refusals of a migrated genesis after which the conversation keeps working without a chain (docs/protocol.md §15.6). */
const MIGRATION_REFUSALS = new Set(['migration_mismatch', 'membership_rule']);

export class MembershipWriter {
  constructor(
    private readonly api: KeyServiceApi,
    private readonly provider: CryptoProvider,
    private readonly device: SigningDevice,
    /** Reads a conversation checked against its verified chain (Conversations.get). */
    private readonly read: (conversationId: ConversationId) => Promise<ConversationInfo>,
  ) {}

  /** Signs the genesis of a new conversation: this user its one owner, the others with their roles. */
  genesis(input: {
    conversationId: ConversationId;
    kind: ConversationKind;
    historyPolicy: HistoryPolicy;
    members: readonly { userId: UserId; role: Role }[];
    migrated?: true;
  }): Promise<MembershipStatement> {
    const { conversationId, kind, historyPolicy, members, migrated } = input;
    return this.sign(conversationId, null, { type: 'create', kind, historyPolicy, members: [...members], ...(migrated ? { migrated } : {}) });
  }

  /**
   * Reads the conversation and answers the head to sign after. A conversation without a chain is migrated
   * first when the conversation as read makes a valid genesis with this user as its owner; if the key
   * service refuses that genesis the conversation stays as it was, without a chain, and keeps working.
   */
  async headToExtend(conversationId: ConversationId): Promise<ExtendFrom> {
    const info = await this.read(conversationId);
    if (info.membershipHead !== null) return { info, head: info.membershipHead };
    const genesis = await this.migratedGenesis(info);
    if (genesis === undefined) return { info, head: null };
    try {
      await this.api.request('appendMembership', { params: { conversationId }, body: { statement: genesis } });
      const migrated = await this.read(conversationId);
      return { info: migrated, head: migrated.membershipHead };
    } catch (err) {
      // Another device of the owner started the chain first: use it.
      if (isConflict(err, 'membership_conflict')) {
        const again = await this.read(conversationId);
        return { info: again, head: again.membershipHead };
      }
      // The service holds the conversation otherwise than it showed it: it stays as it was, without a chain.
      if (err instanceof KeyServiceError && MIGRATION_REFUSALS.has(err.code)) return { info, head: null };
      throw err;
    }
  }

  /**
   * Signs `change` after the current head and appends it (with the wraps of an add); on
   * `membership_conflict` re-reads and signs once more. Answers the conversation after the change.
   */
  async append(conversationId: ConversationId, change: MembershipChange, wrapsFor?: WrapsForAdd): Promise<ConversationInfo> {
    for (let attempt = 0; ; attempt++) {
      const { info, head } = await this.headToExtend(conversationId);
      if (head === null) throw new MembershipUnmigratedError(conversationId);
      const statement = await this.sign(conversationId, head, change);
      const wraps = wrapsFor ? await wrapsFor(info) : undefined;
      try {
        const answer = await this.api.request('appendMembership', { params: { conversationId }, body: { statement, ...(wraps ? { wraps } : {}) } });
        // Someone who left reads the conversation no more; everyone else reads it checked against the chain.
        return change.type === 'leave' ? answer : await this.read(conversationId);
      } catch (err) {
        if (attempt > 0 || !isConflict(err, 'membership_conflict')) throw err;
      }
    }
  }

  /** The migrated genesis of a conversation as read (§15.6), or undefined when this device may not make one. */
  private async migratedGenesis(info: ConversationInfo): Promise<MembershipStatement | undefined> {
    const owner = info.members.find((m) => m.role === 'owner');
    if (owner?.userId !== this.device.userId) return undefined;
    const members = info.members.map((m) => ({ userId: m.userId, role: m.role }));
    const genesis = await this.genesis({ conversationId: info.conversationId, kind: info.kind, historyPolicy: info.historyPolicy, members, migrated: true });
    try {
      genesisState(genesis, '');
      return genesis;
    } catch (err) {
      if (err instanceof MembershipRuleError) return undefined;
      throw err;
    }
  }

  private sign(conversationId: ConversationId, after: MembershipHead | null, change: MembershipChange): Promise<MembershipStatement> {
    return signMembershipStatement(this.provider, {
      conversationId,
      after,
      at: Date.now(),
      actor: this.device.userId,
      actorDevice: this.device.deviceId,
      change,
      signingPrivateKey: this.device.ed25519PrivateKey,
    });
  }
}
