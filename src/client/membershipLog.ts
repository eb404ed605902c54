/**
 * The client's read side of membership (docs/protocol.md §15.4, docs/client.md "Membership"): per
 * conversation, the chain of signed statements fetched from the key service and verified here — each
 * statement signed by a device certified under its actor's PINNED account key, linked to the one before,
 * allowed by the rules. What the key service says about members is believed only when it agrees with this.
 *
 * The verified head is pinned in the profile (`membershipPins`): every later answer must contain it and end
 * at or after it, so a key service that serves a shorter chain (`membership_rollback`) or another statement
 * at a pinned position (`membership_fork`) is caught, across restarts too. Within a session the verified
 * statements are kept in memory and only the statements after the cached head are fetched.
 *
 * A conversation without a chain is accepted only as one made before chains existed: its newest key
 * version names no membership head (§15.6). A conversation whose versions name heads but whose chain is
 * not served had it withheld: `membership_missing`.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import { Emitter } from '../common/events/emitter';
import type { ConversationId } from '../common/ids';
import { extendMembership, membershipAt, MembershipRollbackError, MembershipForkError, type VerifiedStatement } from '../common/protocol/membershipChain';
import type { MembershipHead } from '../common/protocol/membershipHead';
import type { MembershipState } from '../common/protocol/membershipRules';
import { SignerNotCertifiedError } from '../common/protocol/errors';
import type { Directory } from './directory';
import { KeyServiceError, MembershipMissingError, NotFoundError } from './errors';
import type { KeyServiceApi } from './keyServiceApi';
import type { ProfileState } from './profileState';

/** A conversation's chain as this device verified it: the statements from the genesis and the state at its head. */
export interface VerifiedMembership {
  readonly state: MembershipState;
  readonly chain: readonly VerifiedStatement[];
}

const PAGE = 1000;

export class MembershipLog {
  private readonly cache = new Map<ConversationId, VerifiedMembership>();
  private readonly inflight = new Map<ConversationId, Promise<VerifiedMembership | null>>();
  private readonly members = new Map<string, ReadonlySet<string>>();
  /** Conversations found to be older than chains this session (checked once). */
  private readonly legacy = new Set<ConversationId>();
  private readonly extended = new Emitter<[conversationId: ConversationId, verified: VerifiedMembership]>();

  constructor(
    private readonly api: KeyServiceApi,
    private readonly provider: CryptoProvider,
    private readonly directory: Directory,
    private readonly profile: ProfileState,
  ) {}

  /** `listener` hears each conversation whose chain this device verified further (e.g. a new disappearing timer). */
  onExtended(listener: (conversationId: ConversationId, verified: VerifiedMembership) => void): () => void {
    return this.extended.event(listener);
  }

  /** The chain verified so far in this session, without asking the key service. */
  cached(conversationId: ConversationId): VerifiedMembership | undefined {
    return this.cache.get(conversationId);
  }

  /**
   * The verified chain up to at least `served` (the head a conversation view names): answered from the
   * cache when it is there already, else the statements after the cached head are fetched and verified.
   * Null for a conversation made before chains existed. Throws the protocol's error when the chain does
   * not verify or does not extend the pinned head, `membership_missing` when it was withheld.
   */
  async upTo(conversationId: ConversationId, served: MembershipHead | null): Promise<VerifiedMembership | null> {
    const hit = this.cache.get(conversationId);
    if (hit !== undefined && served !== null && hit.state.head.seq >= served.seq) return hit;
    if (served === null && hit === undefined && this.legacy.has(conversationId)) return null;
    return this.sync(conversationId);
  }

  /** The members at `head` when it is on the verified chain (fetching what is newer than the cache), else undefined. */
  async stateAt(conversationId: ConversationId, head: MembershipHead): Promise<MembershipState | undefined> {
    const verified = await this.upTo(conversationId, head);
    if (verified === null) return undefined;
    // Most records name the current head: no replay then (replaying a long chain costs tens of ms).
    const at = head.seq === verified.state.head.seq ? verified.state : membershipAt(verified.chain, head.seq);
    return at?.head.hash === head.hash ? at : undefined;
  }

  /**
   * Whether `userId` was a member at some point from seq `from` up to `to` (inclusive; undefined: to the
   * verified head) of the cached chain: a member at `from`, or added after it. Undefined when nothing is cached.
   */
  wasMember(conversationId: ConversationId, userId: string, from: number, to?: number): boolean | undefined {
    const verified = this.cache.get(conversationId);
    if (verified === undefined) return undefined;
    if (this.membersAt(conversationId, from)?.has(userId) === true) return true;
    return verified.chain.some(
      ({ statement: s }) => s.seq > from && (to === undefined || s.seq <= to) && s.change.type === 'add' && s.change.userId === userId,
    );
  }

  /** The members at seq `seq` of the cached chain (remembered per head: sender checks ask for the same few). */
  membersAt(conversationId: ConversationId, seq: number): ReadonlySet<string> | undefined {
    const verified = this.cache.get(conversationId);
    if (verified === undefined) return undefined;
    const key = `${conversationId}#${seq}`;
    const hit = this.members.get(key);
    if (hit !== undefined) return hit;
    const at = seq === verified.state.head.seq ? verified.state : membershipAt(verified.chain, seq);
    if (at === undefined) return undefined;
    const members = new Set(at.members.keys());
    this.members.set(key, members);
    return members;
  }

  /** Forgets what this session verified of a conversation (it left); the pin stays. */
  forget(conversationId: ConversationId): void {
    this.cache.delete(conversationId);
    for (const key of [...this.members.keys()]) if (key.startsWith(`${conversationId}#`)) this.members.delete(key);
  }

  /** One fetch-and-verify per conversation at a time; concurrent callers share it. */
  private sync(conversationId: ConversationId): Promise<VerifiedMembership | null> {
    let running = this.inflight.get(conversationId);
    if (running === undefined) {
      running = this.fetchAndVerify(conversationId).finally(() => this.inflight.delete(conversationId));
      this.inflight.set(conversationId, running);
    }
    return running;
  }

  private async fetchAndVerify(conversationId: ConversationId): Promise<VerifiedMembership | null> {
    const from = this.cache.get(conversationId);
    const pin = this.profile.get().membershipPins?.[conversationId];
    const { statements, head } = await this.fetchAfter(conversationId, from?.state.head.seq ?? -1);
    if (head === null) {
      if (from !== undefined || pin !== undefined) {
        throw new MembershipRollbackError(
          `the key service answers no membership chain for ${conversationId}; this device verified head ${pin?.seq ?? from?.state.head.seq}`,
        );
      }
      await this.assertLegacy(conversationId);
      this.legacy.add(conversationId);
      return null;
    }
    const extended = await extendMembership(this.provider, {
      conversationId,
      from: from?.state ?? null,
      statements,
      servedHead: head,
      signerOf: (actor, actorDevice) => this.signer(actor, actorDevice),
    });
    const chain = from === undefined ? extended.added : [...from.chain, ...extended.added];
    if (from === undefined && pin !== undefined) this.checkPin(chain, pin);
    const verified: VerifiedMembership = { state: extended.state, chain };
    this.cache.set(conversationId, verified);
    this.legacy.delete(conversationId);
    this.pin(conversationId, extended.state.head);
    if (from === undefined || extended.added.length > 0) this.extended.fire(conversationId, verified);
    return verified;
  }

  /** After a restart the chain is verified from the genesis: the pinned head must be on it. */
  private checkPin(chain: readonly VerifiedStatement[], pin: { seq: number; hash: string }): void {
    const at = chain[pin.seq];
    if (at === undefined) throw new MembershipRollbackError(`the key service answers head ${chain.length - 1}, older than the verified ${pin.seq}`);
    if (at.hash !== pin.hash) throw new MembershipForkError(`the key service answers another statement at the verified head ${pin.seq}`);
  }

  private pin(conversationId: ConversationId, head: MembershipHead): void {
    const pinned = this.profile.get().membershipPins?.[conversationId];
    if (pinned?.seq === head.seq && pinned.hash === head.hash) return;
    // Coalesced with the cursors (written within a second, and at exit): state.json holds every pinned
    // contact key too, and a first start verifies every conversation.
    this.profile.updateSoon((d) => {
      d.membershipPins = { ...d.membershipPins, [conversationId]: { seq: head.seq, hash: head.hash } };
    });
  }

  private async fetchAfter(conversationId: ConversationId, after: number): Promise<{ statements: unknown[]; head: MembershipHead | null }> {
    const statements: unknown[] = [];
    let cursor = after;
    for (;;) {
      const page = await this.api.request('getMembership', { params: { conversationId }, query: { after: cursor, limit: PAGE } });
      statements.push(...page.statements);
      if (page.nextAfter === null || page.nextAfter <= cursor) return { statements, head: page.head };
      cursor = page.nextAfter;
    }
  }

  /**
   * A conversation served without a chain is one made before chains existed only if its newest key
   * version names no membership head (§15.6): one made since names the head it was made for, and its
   * creator's signature binds that, so the key service cannot strip the chain of a new conversation.
   */
  private async assertLegacy(conversationId: ConversationId): Promise<void> {
    const latest = await this.api.request('getLatestKeyVersion', { params: { conversationId } }).catch((err: unknown) => {
      if (err instanceof KeyServiceError && (err.code === 'not_found' || err.code === 'no_wrap' || err.code === 'no_versions')) return undefined;
      throw err;
    });
    if (latest === undefined || latest.record.membership !== undefined) throw new MembershipMissingError(conversationId);
  }

  /** The signer of a statement: its device's certificate (revoked devices included) and the actor's account key it verified under (pinned, or retired by a reset). */
  private async signer(actor: string, actorDevice: string) {
    const device = await this.directory.device(actorDevice).catch((err: unknown) => {
      if (err instanceof NotFoundError || (err instanceof KeyServiceError && err.code === 'not_found')) {
        throw new SignerNotCertifiedError(`membership statement by ${actor}: device ${actorDevice} is not in the directory`);
      }
      throw err;
    });
    return { certificate: device.certificate, accountKey: device.accountKey };
  }
}
