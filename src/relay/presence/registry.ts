/**
 * Presence (docs/pubnub-wire.md §2 heartbeat/leave/here_now, §3 presence payloads): who is on which channel,
 * kept alive by heartbeats and by open subscribe requests, with `join`, `leave`, `timeout` and `state-change`
 * events published on `<channel>-pnpres`. In memory only: after a relay restart clients re-announce themselves
 * with their next heartbeat or subscribe.
 */
import { LIMITS } from '../options';

export type PresenceAction = 'join' | 'leave' | 'timeout' | 'state-change';

export interface PresenceEventData {
  readonly action: PresenceAction;
  readonly uuid: string;
  readonly timestamp: number;
  readonly occupancy: number;
  readonly data?: unknown;
}

export interface Member {
  readonly uuid: string;
  expiresAt: number;
  timeoutSeconds: number;
  openPolls: number;
  state: unknown;
}

export type PresenceEmitter = (subKey: string, channel: string, data: PresenceEventData) => void;

export class PresenceRegistry {
  /** `subKey\nchannel` → uuid → member */
  private readonly channels = new Map<string, Map<string, Member>>();

  constructor(private readonly emit: PresenceEmitter) {}

  private members(subKey: string, channel: string, create: boolean): Map<string, Member> | undefined {
    const key = `${subKey}\n${channel}`;
    let members = this.channels.get(key);
    if (members === undefined && create) this.channels.set(key, (members = new Map()));
    return members;
  }

  private announce(subKey: string, channel: string, action: PresenceAction, uuid: string, data?: unknown): void {
    const occupancy = this.members(subKey, channel, false)?.size ?? 0;
    const timestamp = Math.floor(Date.now() / 1000);
    this.emit(subKey, channel, { action, uuid, timestamp, occupancy, ...(data !== undefined ? { data } : {}) });
  }

  /**
   * Marks `uuid` present on `channel` until `timeoutSeconds` from now (`undefined`: keep the member's own
   * timeout, or the default for a newcomer). A newcomer causes a `join`.
   */
  touch(subKey: string, channel: string, uuid: string, timeoutSeconds: number | undefined, now: number): Member {
    const members = this.members(subKey, channel, true) as Map<string, Member>;
    let member = members.get(uuid);
    const isNew = member === undefined;
    if (member === undefined) {
      member = { uuid, expiresAt: 0, timeoutSeconds: LIMITS.presenceTimeoutDefault, openPolls: 0, state: undefined };
      members.set(uuid, member);
    }
    if (timeoutSeconds !== undefined) member.timeoutSeconds = timeoutSeconds;
    member.expiresAt = now + member.timeoutSeconds * 1000;
    if (isNew) this.announce(subKey, channel, 'join', uuid);
    return member;
  }

  /** A subscribe request of `uuid` is held open on `channel`: the member cannot time out meanwhile. */
  hold(member: Member): void {
    member.openPolls += 1;
  }

  /** The held request ended; the member's timeout runs from now. */
  release(member: Member, now: number): void {
    member.openPolls = Math.max(0, member.openPolls - 1);
    member.expiresAt = Math.max(member.expiresAt, now + member.timeoutSeconds * 1000);
  }

  leave(subKey: string, channel: string, uuid: string): void {
    const members = this.members(subKey, channel, false);
    if (members?.delete(uuid) !== true) return;
    if (members.size === 0) this.channels.delete(`${subKey}\n${channel}`);
    this.announce(subKey, channel, 'leave', uuid);
  }

  setState(subKey: string, channel: string, uuid: string, state: unknown, now: number): void {
    const member = this.touch(subKey, channel, uuid, undefined, now);
    if (JSON.stringify(member.state) === JSON.stringify(state)) return;
    member.state = state;
    this.announce(subKey, channel, 'state-change', uuid, state);
  }

  stateOf(subKey: string, channel: string, uuid: string): unknown {
    return this.members(subKey, channel, false)?.get(uuid)?.state;
  }

  hereNow(subKey: string, channel: string): Member[] {
    return [...(this.members(subKey, channel, false)?.values() ?? [])];
  }

  occupiedChannels(subKey: string): string[] {
    const prefix = `${subKey}\n`;
    return [...this.channels.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  channelsOf(subKey: string, uuid: string): string[] {
    return this.occupiedChannels(subKey).filter((ch) => this.members(subKey, ch, false)?.has(uuid) === true);
  }

  /** Members whose heartbeat lapsed and who hold no subscribe request time out. */
  sweep(now: number): void {
    for (const [key, members] of [...this.channels]) {
      const cut = key.indexOf('\n');
      const subKey = key.slice(0, cut);
      const channel = key.slice(cut + 1);
      for (const member of [...members.values()]) {
        if (member.openPolls > 0 || member.expiresAt > now) continue;
        members.delete(member.uuid);
        if (members.size === 0) this.channels.delete(key);
        this.announce(subKey, channel, 'timeout', member.uuid);
      }
    }
  }
}
