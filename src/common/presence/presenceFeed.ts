/**
 * Presence over the `pubnub` SDK (docs/messaging.md "Presence"; docs/protocol.md §7.8): who of the peers of
 * one's direct conversations is online, away or offline, with a last-seen time and a status text.
 *
 * - Being online is PubNub presence on the conversation channel `conv.<id>`: the SDK's subscribe and its
 *   heartbeats (at most one a minute when idle, `PRESENCE_TIMING`) keep this user present; a `leave` or a
 *   `timeout` on `conv.<id>-pnpres` makes the peer offline, and its time is kept as "last seen".
 * - Away and the status text are a sealed, signed `presence` envelope set as PubNub presence state
 *   (`{"seed": <envelope>}`) on each direct conversation's channel, so PubNub holds ciphertext only. A state
 *   is shown only after `PresenceCrypto.open` verified it (§7.4 checks, type `presence`, signed by a device
 *   of the user whose state it is); a refused one is reported through `onRefused` and never shown. Of a
 *   peer's statuses the one with the greatest signed `sentAt` wins, so a replayed older state changes nothing.
 */
import type PubNub from 'pubnub';
import { Emitter } from '../events/emitter';
import type { ConversationId, UserId } from '../ids';
import { PRESENCE_STATE_KEY, type Availability, type PresenceStatus } from '../protocol/presenceStatus';
import { conversationPresencePubnubChannel, conversationPubnubChannel } from '../pubnubChannels';

/**
 * How a host configures its `pubnub` SDK for presence. `maintainPresenceState: false`: the SDK keeps the
 * state of every channel it set and, by default, sends ALL of them again with every heartbeat and subscribe
 * handshake — a sealed status is ~580 bytes per direct conversation, so from about 66 conversations a
 * heartbeat outgrows what PubNub (and the relay) accept and from about 147 the handshake does, and live
 * messages stop. PubNub keeps a state it was given until its user leaves or times out; the feed sets it
 * again after a reconnection (`connection`).
 */
export const PRESENCE_SDK_OPTIONS = { maintainPresenceState: false } as const;

/** Statuses of the SDK that mean the connection was lost (and PubNub may have timed this user out). */
const DROPPED = new Set([
  'PNNetworkDownCategory',
  'PNNetworkIssuesCategory',
  'PNDisconnectedUnexpectedlyCategory',
  'PNConnectionErrorCategory',
  'PNTimeoutCategory',
]);
/** Statuses of the SDK that mean it is subscribed again. */
const CONNECTED = new Set(['PNConnectedCategory', 'PNReconnectedCategory', 'PNNetworkUpCategory']);

/** The SDK surface presence needs; a `PubNub` instance satisfies it. */
export type PresencePubNub = Pick<PubNub, 'channel' | 'hereNow' | 'setState'>;

/** What opening a presence state answers (the host's crypto: main over the bridge, or the client core). */
export type PresenceOpened =
  | { readonly kind: 'ok'; readonly status: PresenceStatus; readonly sentAt: number }
  | { readonly kind: 'rejected' | 'pending'; readonly code?: string; readonly message?: string };

export interface PresenceCrypto {
  /** Seals `status` for the conversation: the envelope JSON to set as presence state. */
  seal(conversationId: ConversationId, status: PresenceStatus): Promise<unknown>;
  /** Opens the envelope found in the presence state of PubNub user id `stateOf`. Never throws for bad input. */
  open(conversationId: ConversationId, envelope: unknown, stateOf: string): Promise<PresenceOpened>;
}

/** Where last-seen times are kept between runs (ms since the epoch, per user). */
export interface LastSeenStore {
  load(userId: UserId): number | undefined;
  save(userId: UserId, at: number): void;
}

export type PeerState = Availability | 'offline';

/** What the UI shows for one peer; `unknown` until the first here-now answer or event. */
export interface PeerPresence {
  readonly userId: UserId;
  readonly state: PeerState | 'unknown';
  readonly lastSeen?: number;
  readonly text?: string;
}

export interface DirectConversation {
  readonly conversationId: ConversationId;
  readonly peer: UserId;
}

interface Watched extends DirectConversation {
  readonly channel: string;
  readonly subscription: ReturnType<ReturnType<PresencePubNub['channel']>['subscription']>;
}

export interface PresenceFeedDeps {
  readonly pubnub: PresencePubNub;
  readonly crypto: PresenceCrypto;
  readonly self: UserId;
  readonly lastSeen: LastSeenStore;
  /**
   * Whether the current Access Manager token lets this client read a presence channel (`conv.<id>-pnpres`).
   * A subscribe naming one it may not read is refused whole by PubNub, messages included; such conversations
   * wait until `retry()` (after the host fetched a fresh token). Default: every one.
   */
  readonly mayRead?: (presenceChannel: string) => boolean;
  /** A state that did not verify, or an older one than shown (`presence_stale`): code and reason, for the log; it is not shown. */
  readonly onRefused?: (peer: UserId, code: string, message: string) => void;
}

/** The state object of a presence event or a here-now entry, when it has our sealed status. */
function sealedOf(state: unknown): unknown {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return undefined;
  return (state as Record<string, unknown>)[PRESENCE_STATE_KEY];
}

export class PresenceFeed {
  private readonly watched = new Map<ConversationId, Watched>();
  private readonly waiting = new Map<ConversationId, DirectConversation>();
  private readonly peers = new Map<UserId, PeerPresence>();
  private readonly newest = new Map<UserId, number>();
  private readonly changed = new Emitter<[ReadonlyMap<UserId, PeerPresence>]>();
  private status: PresenceStatus | undefined;
  private disposed = false;
  private dropped = false;

  constructor(private readonly deps: PresenceFeedDeps) {}

  readonly onChange = this.changed.event;

  snapshot(): ReadonlyMap<UserId, PeerPresence> {
    return new Map(this.peers);
  }

  /** Follows the presence of these direct conversations' peers (already followed ones are kept). */
  async watch(conversations: readonly DirectConversation[]): Promise<void> {
    const added: Watched[] = [];
    for (const c of conversations) {
      if (this.disposed || this.watched.has(c.conversationId) || c.peer === this.deps.self) continue;
      const channel = conversationPubnubChannel(c.conversationId);
      if (this.deps.mayRead?.(conversationPresencePubnubChannel(c.conversationId)) === false) {
        this.waiting.set(c.conversationId, c);
        continue;
      }
      this.waiting.delete(c.conversationId);
      // The channel and its `-pnpres` twin; the SDK keeps the channel subscribed while the pipeline uses it too.
      const subscription = this.deps.pubnub.channel(channel).subscription({ receivePresenceEvents: true });
      const w: Watched = { ...c, channel, subscription };
      subscription.onPresence = (event) => void this.onEvent(w, event);
      subscription.subscribe();
      this.watched.set(c.conversationId, w);
      const kept = this.deps.lastSeen.load(c.peer);
      if (!this.peers.has(c.peer)) this.peers.set(c.peer, { userId: c.peer, state: 'unknown', ...(kept === undefined ? {} : { lastSeen: kept }) });
      added.push(w);
    }
    if (added.length === 0) return;
    if (this.status !== undefined) await Promise.all(added.map((w) => this.announce(w, this.status as PresenceStatus)));
    const answer = await this.deps.pubnub.hereNow({ channels: added.map((w) => w.channel), includeUUIDs: true, includeState: true });
    for (const w of added) {
      const occupants = answer.channels[w.channel]?.occupants ?? [];
      const peer = occupants.find((o) => o.uuid === w.peer);
      if (peer === undefined) this.update(w.peer, { state: 'offline' });
      else {
        if (this.peers.get(w.peer)?.state === 'unknown') this.update(w.peer, { state: 'online' });
        await this.applyState(w, peer.state);
      }
    }
    this.emit();
  }

  /** Follows the conversations that waited for a token granting their presence channel (call after a new token). */
  async retry(): Promise<void> {
    await this.watch([...this.waiting.values()]);
  }

  /** Sets this user's availability and status text on every followed conversation (sealed per conversation). */
  async setStatus(status: PresenceStatus): Promise<void> {
    this.status = status;
    await Promise.all([...this.watched.values()].map((w) => this.announce(w, status)));
  }

  /**
   * The SDK's connection status (a `status` listener's category): once connected again after a drop, this
   * user's status is set again on every followed conversation, since PubNub dropped it with the timeout.
   */
  async connection(category: string): Promise<void> {
    if (DROPPED.has(category)) this.dropped = true;
    else if (CONNECTED.has(category) && this.dropped) {
      this.dropped = false;
      if (this.status !== undefined) await this.setStatus(this.status);
    }
  }

  private async announce(w: Watched, status: PresenceStatus): Promise<void> {
    const envelope = await this.deps.crypto.seal(w.conversationId, status);
    if (this.disposed) return;
    await this.deps.pubnub.setState({ channels: [w.channel], state: { [PRESENCE_STATE_KEY]: envelope as PubNub.Payload } });
  }

  private async onEvent(w: Watched, event: { action: string; uuid?: string; timestamp: number; state?: unknown }): Promise<void> {
    if (event.uuid !== w.peer) return;
    switch (event.action) {
      case 'join':
        this.update(w.peer, { state: this.peers.get(w.peer)?.state === 'away' ? 'away' : 'online' });
        break;
      case 'state-change':
        await this.applyState(w, event.state);
        break;
      case 'leave':
      case 'timeout': {
        const at = event.timestamp * 1000;
        this.deps.lastSeen.save(w.peer, at);
        this.update(w.peer, { state: 'offline', lastSeen: at });
        break;
      }
      default:
        return;
    }
    this.emit();
  }

  private async applyState(w: Watched, state: unknown): Promise<void> {
    const sealed = sealedOf(state);
    if (sealed === undefined) return;
    const opened = await this.deps.crypto.open(w.conversationId, sealed, w.peer);
    if (opened.kind !== 'ok') {
      this.deps.onRefused?.(w.peer, opened.code ?? opened.kind, opened.message ?? 'the status did not verify');
      return;
    }
    if (opened.sentAt <= (this.newest.get(w.peer) ?? -1)) {
      this.deps.onRefused?.(w.peer, 'presence_stale', 'a status older than the one shown (a replay) is ignored');
      return;
    }
    this.newest.set(w.peer, opened.sentAt);
    this.update(w.peer, { state: opened.status.availability, text: opened.status.text });
  }

  private update(peer: UserId, change: Partial<PeerPresence>): void {
    const before = this.peers.get(peer) ?? { userId: peer, state: 'unknown' };
    this.peers.set(peer, { ...before, ...change });
  }

  private emit(): void {
    if (!this.disposed) this.changed.fire(this.snapshot());
  }

  /** Stops following presence (the SDK's own leave is sent when the host destroys it). */
  dispose(): void {
    this.disposed = true;
    for (const w of this.watched.values()) w.subscription.unsubscribe();
    this.watched.clear();
    this.changed.clear();
  }
}
