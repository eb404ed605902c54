/**
 * The relay's fan-out: every live event is appended to its channel's bounded backlog and wakes the held
 * subscribe requests that listen to it. `collect` gathers what a subscriber with a given cursor has not seen:
 * from the backlogs while they are complete back to the cursor, and from SQLite (stored messages) before that —
 * which is how a subscriber reconnecting with its last timetoken after a relay restart receives what it missed
 * (docs/relay.md, "Durability and memory"). At most 100 events per answer (docs/pubnub-wire.md §3).
 */
import { LIMITS } from '../options';
import { isPresenceName, stripPresence } from '../names';
import type { MessageStore, StoredMessage } from '../store/messages';
import type { ChannelGroupStore } from '../store/channelGroups';
import type { Timetoken, TimetokenClock } from '../timetoken';
import { ChannelBacklog } from './backlog';
import { FILE_MESSAGE_TYPE, type RelayEvent } from './event';
import { LongPolls, type MatchedEvent, type PollResult } from './longPoll';
import { groupChannels, wildcardMatches, type SubscriptionSpec } from './subscriptionSpec';

export interface HubDeps {
  readonly messages: MessageStore;
  readonly groups: ChannelGroupStore;
  readonly clock: TimetokenClock;
  /** Timetoken at relay start: nothing older is in memory. */
  readonly startTt: Timetoken;
}

function storedEvent(subKey: string, message: StoredMessage): RelayEvent {
  return {
    subKey,
    channel: message.channel,
    tt: message.tt,
    kind: message.messageType === FILE_MESSAGE_TYPE ? 'file' : 'message',
    publisher: message.publisher,
    payload: message.payload,
    meta: message.meta,
    customType: message.customType,
    sequence: 1,
  };
}

export class Hub {
  private readonly backlogs = new Map<string, ChannelBacklog>();
  /** Per subscribe key: events up to this timetoken may have been dropped from memory. */
  private readonly dropFloor = new Map<string, Timetoken>();
  private totalBytes = 0;
  private sequence = 0;
  readonly polls: LongPolls;

  constructor(private readonly deps: HubDeps) {
    this.polls = new LongPolls(
      (spec, cursor) => this.collect(spec, cursor),
      (subKey, channel) => deps.groups.groupsOf(subKey, channel),
    );
  }

  nextSequence(): number {
    this.sequence = (this.sequence % 2_000_000_000) + 1;
    return this.sequence;
  }

  private floorOf(subKey: string): Timetoken {
    const dropped = this.dropFloor.get(subKey) ?? 0n;
    return dropped > this.deps.startTt ? dropped : this.deps.startTt;
  }

  emit(event: RelayEvent): void {
    const key = `${event.subKey}\n${event.channel}`;
    const backlog = this.backlogs.get(key) ?? new ChannelBacklog(this.floorOf(event.subKey), Date.now());
    // Re-inserting keeps the map ordered by last activity (least recent first) for eviction.
    this.backlogs.delete(key);
    this.backlogs.set(key, backlog);
    this.totalBytes -= backlog.bytes;
    backlog.append(event, Date.now());
    this.totalBytes += backlog.bytes;
    this.evictOverBudget(key);
    this.polls.notify(event);
  }

  /** Drops least recently active backlogs while all of them together exceed the relay-wide budget. */
  private evictOverBudget(keep: string): void {
    for (const [key, backlog] of this.backlogs) {
      if (this.totalBytes <= LIMITS.backlogTotalBytes) return;
      if (key !== keep) this.drop(key, backlog);
    }
  }

  private drop(key: string, backlog: ChannelBacklog): void {
    this.backlogs.delete(key);
    this.totalBytes -= backlog.bytes;
    const subKey = key.slice(0, key.indexOf('\n'));
    this.dropFloor.set(subKey, this.deps.clock.current());
  }

  /** Drops deleted messages from the live backlog too. */
  forget(subKey: string, channel: string, deleted: (tt: Timetoken) => boolean): void {
    const backlog = this.backlogs.get(`${subKey}\n${channel}`);
    if (backlog === undefined) return;
    this.totalBytes -= backlog.bytes;
    backlog.removeWhere((e) => (e.kind === 'message' || e.kind === 'file') && deleted(e.tt));
    this.totalBytes += backlog.bytes;
  }

  collect(spec: SubscriptionSpec, cursor: Timetoken): PollResult {
    const now = this.deps.clock.current();
    const limit = LIMITS.eventsPerResponse;
    const found = new Map<string, MatchedEvent>();
    const add = (event: RelayEvent, match: string) => {
      const id = `${event.channel}\n${event.tt}`;
      if (!found.has(id)) found.set(id, { event, match });
    };
    const fromChannel = (channel: string, match: string) => {
      const backlog = this.backlogs.get(`${spec.subKey}\n${channel}`);
      const floor = backlog?.floor ?? this.floorOf(spec.subKey);
      if (cursor < floor && !isPresenceName(channel)) {
        const stored = this.deps.messages.catchUp(spec.subKey, { channel }, cursor, now, limit, Date.now());
        for (const message of stored) add(storedEvent(spec.subKey, message), match);
      }
      for (const event of backlog?.since(cursor, limit) ?? []) add(event, match);
    };
    for (const channel of spec.channels) fromChannel(channel, channel);
    for (const group of spec.groups) {
      for (const channel of groupChannels(group, (g) => this.deps.groups.channels(spec.subKey, g))) {
        fromChannel(channel, group);
      }
    }
    for (const wildcard of spec.wildcards) this.collectWildcard(spec.subKey, wildcard, cursor, now, add);

    const sorted = [...found.values()].sort((a, b) => (a.event.tt < b.event.tt ? -1 : a.event.tt > b.event.tt ? 1 : 0));
    if (sorted.length >= limit) {
      const page = sorted.slice(0, limit);
      const last = page[page.length - 1];
      return { events: page, cursor: last === undefined ? now : last.event.tt };
    }
    return { events: sorted, cursor: now > cursor ? now : cursor };
  }

  private collectWildcard(subKey: string, wildcard: string, cursor: Timetoken, now: Timetoken, add: (event: RelayEvent, match: string) => void): void {
    const prefix = `${subKey}\n`;
    let needStore = cursor < this.floorOf(subKey);
    for (const [key, backlog] of this.backlogs) {
      if (!key.startsWith(prefix) || !wildcardMatches(wildcard, key.slice(prefix.length))) continue;
      if (cursor < backlog.floor) needStore = true;
      for (const event of backlog.since(cursor, LIMITS.eventsPerResponse)) add(event, wildcard);
    }
    if (needStore && !isPresenceName(wildcard)) {
      const channelPrefix = stripPresence(wildcard).slice(0, -1);
      const stored = this.deps.messages.catchUp(subKey, { prefix: channelPrefix }, cursor, now, LIMITS.eventsPerResponse, Date.now());
      for (const message of stored) add(storedEvent(subKey, message), wildcard);
    }
  }

  /** Drops backlogs idle for long; their channels' older events then come from SQLite only. */
  sweep(nowMs: number): void {
    for (const [key, backlog] of this.backlogs) {
      if (nowMs - backlog.lastActivity >= LIMITS.backlogIdleMs) this.drop(key, backlog);
    }
  }
}
