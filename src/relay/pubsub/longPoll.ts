/**
 * Held subscribe requests (docs/pubnub-wire.md §3 "Long-poll"): a request whose cursor has nothing newer waits,
 * indexed by the channels, groups and wildcards it listens to, until an event arrives (answered on the next
 * turn of the event loop, so a burst is sent as one response), its hold time ends, the client goes away, or the
 * relay shuts down. Nothing here blocks the event loop.
 */
import type { Timetoken } from '../timetoken';
import { isPresenceName, stripPresence, PRESENCE_SUFFIX } from '../names';
import type { RelayEvent } from './event';
import type { SubscriptionSpec } from './subscriptionSpec';

export interface MatchedEvent {
  readonly event: RelayEvent;
  /** The requested name that matched (envelope `b`). */
  readonly match: string;
}

export interface PollResult {
  readonly events: readonly MatchedEvent[];
  readonly cursor: Timetoken;
}

interface Waiter {
  readonly spec: SubscriptionSpec;
  readonly cursor: Timetoken;
  readonly keys: readonly string[];
  readonly settle: (result: PollResult) => void;
  timer: NodeJS.Timeout | undefined;
  flushQueued: boolean;
  done: boolean;
}

const channelKey = (subKey: string, channel: string) => `c\n${subKey}\n${channel}`;
const groupKey = (subKey: string, group: string) => `g\n${subKey}\n${group}`;
const wildcardKey = (subKey: string) => `w\n${subKey}`;

export class LongPolls {
  private readonly byKey = new Map<string, Set<Waiter>>();
  private closing = false;

  constructor(
    private readonly collect: (spec: SubscriptionSpec, cursor: Timetoken) => PollResult,
    private readonly groupsOf: (subKey: string, channel: string) => ReadonlySet<string>,
  ) {}

  /** Answers at once when events are pending, else holds for up to `holdMs`. */
  wait(spec: SubscriptionSpec, cursor: Timetoken, holdMs: number, gone: Promise<void>): Promise<PollResult> {
    const first = this.collect(spec, cursor);
    if (first.events.length > 0 || this.closing) return Promise.resolve(first.events.length > 0 ? first : { events: [], cursor });
    return new Promise<PollResult>((resolve) => {
      const keys = [
        ...[...spec.channels].map((ch) => channelKey(spec.subKey, ch)),
        ...spec.groups.map((g) => groupKey(spec.subKey, g)),
        ...(spec.wildcards.length > 0 ? [wildcardKey(spec.subKey)] : []),
      ];
      const waiter: Waiter = {
        spec,
        cursor,
        keys,
        timer: undefined,
        flushQueued: false,
        done: false,
        settle: (result) => {
          if (waiter.done) return;
          waiter.done = true;
          if (waiter.timer !== undefined) clearTimeout(waiter.timer);
          this.unindex(waiter);
          resolve(result);
        },
      };
      for (const key of keys) {
        let set = this.byKey.get(key);
        if (set === undefined) this.byKey.set(key, (set = new Set()));
        set.add(waiter);
      }
      waiter.timer = setTimeout(() => waiter.settle(this.collect(spec, cursor)), holdMs);
      void gone.then(() => waiter.settle({ events: [], cursor }));
    });
  }

  private unindex(waiter: Waiter): void {
    for (const key of waiter.keys) {
      const set = this.byKey.get(key);
      set?.delete(waiter);
      if (set?.size === 0) this.byKey.delete(key);
    }
  }

  /** Wakes every waiter the event may concern. */
  notify(event: RelayEvent): void {
    const wake = (set: Set<Waiter> | undefined) => set?.forEach((w) => this.queueFlush(w));
    wake(this.byKey.get(channelKey(event.subKey, event.channel)));
    const presence = isPresenceName(event.channel);
    for (const group of this.groupsOf(event.subKey, stripPresence(event.channel))) {
      wake(this.byKey.get(groupKey(event.subKey, presence ? `${group}${PRESENCE_SUFFIX}` : group)));
    }
    wake(this.byKey.get(wildcardKey(event.subKey)));
  }

  private queueFlush(waiter: Waiter): void {
    if (waiter.flushQueued || waiter.done) return;
    waiter.flushQueued = true;
    setImmediate(() => {
      waiter.flushQueued = false;
      if (waiter.done) return;
      const result = this.collect(waiter.spec, waiter.cursor);
      if (result.events.length > 0) waiter.settle(result);
    });
  }

  /** Shutdown: every held request is answered with no events and its own cursor. */
  closeAll(): void {
    this.closing = true;
    for (const set of [...this.byKey.values()]) {
      for (const waiter of [...set]) waiter.settle({ events: [], cursor: waiter.cursor });
    }
  }
}
