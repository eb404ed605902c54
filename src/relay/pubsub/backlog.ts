/**
 * The bounded in-memory backlog of one channel: the newest live events (messages, signals, actions, presence)
 * kept for subscribers whose cursor is slightly behind. `floor` is the timetoken after which the backlog is
 * complete; older events must come from SQLite (stored messages) or are gone (live-only events).
 */
import { LIMITS } from '../options';
import type { Timetoken } from '../timetoken';
import { eventSize, type RelayEvent } from './event';

export class ChannelBacklog {
  private events: RelayEvent[] = [];
  private head = 0;
  /** Approximate memory held, for the per-channel and relay-wide bounds. */
  bytes = 0;
  lastActivity: number;

  constructor(
    /** Every event on this channel later than `floor` is in the backlog. */
    public floor: Timetoken,
    now: number,
  ) {
    this.lastActivity = now;
  }

  append(event: RelayEvent, now: number): void {
    this.events.push(event);
    this.bytes += eventSize(event);
    this.lastActivity = now;
    while (this.length > LIMITS.backlogEvents || (this.bytes > LIMITS.backlogChannelBytes && this.length > 1)) {
      const dropped = this.events[this.head];
      if (dropped === undefined) break;
      this.head += 1;
      this.bytes -= eventSize(dropped);
      this.floor = dropped.tt;
    }
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }

  get length(): number {
    return this.events.length - this.head;
  }

  /** Events with a timetoken after `cursor`, oldest first, at most `limit`. */
  since(cursor: Timetoken, limit: number): RelayEvent[] {
    let lo = this.head;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const event = this.events[mid];
      if (event !== undefined && event.tt <= cursor) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo, lo + limit);
  }

  /** Drops events matching `predicate` (messages deleted from history). */
  removeWhere(predicate: (event: RelayEvent) => boolean): void {
    const kept = this.events.slice(this.head).filter((event) => !predicate(event));
    this.events = kept;
    this.head = 0;
    this.bytes = kept.reduce((sum, event) => sum + eventSize(event), 0);
  }
}
