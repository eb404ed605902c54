/**
 * Channel groups (`/v1/channel-registration`, docs/pubnub-wire.md §3 `channel-group`): durable in SQLite and
 * mirrored in memory, with a reverse index so a publish can wake subscribers of every group holding its channel.
 */
import type { Db } from './database';
import { BadRequestError } from '../errors';
import { LIMITS } from '../options';

export class ChannelGroupStore {
  /** `subKey\ngroup` → channels */
  private readonly groups = new Map<string, Set<string>>();
  /** `subKey\nchannel` → groups */
  private readonly byChannel = new Map<string, Set<string>>();

  constructor(private readonly db: Db) {
    const rows = db.prepare('SELECT sub_key, grp, channel FROM channel_groups').all() as {
      sub_key: string;
      grp: string;
      channel: string;
    }[];
    for (const row of rows) this.remember(row.sub_key, row.grp, row.channel);
  }

  private remember(subKey: string, group: string, channel: string): void {
    const g = `${subKey}\n${group}`;
    const c = `${subKey}\n${channel}`;
    let channels = this.groups.get(g);
    if (channels === undefined) this.groups.set(g, (channels = new Set()));
    channels.add(channel);
    let groups = this.byChannel.get(c);
    if (groups === undefined) this.byChannel.set(c, (groups = new Set()));
    groups.add(group);
  }

  private forget(subKey: string, group: string, channel: string): void {
    this.groups.get(`${subKey}\n${group}`)?.delete(channel);
    if (this.groups.get(`${subKey}\n${group}`)?.size === 0) this.groups.delete(`${subKey}\n${group}`);
    const c = `${subKey}\n${channel}`;
    this.byChannel.get(c)?.delete(group);
    if (this.byChannel.get(c)?.size === 0) this.byChannel.delete(c);
  }

  add(subKey: string, group: string, channels: readonly string[]): void {
    const current = this.channels(subKey, group);
    const fresh = channels.filter((ch) => !current.includes(ch));
    if (current.length + fresh.length > LIMITS.channelsPerGroup) {
      throw new BadRequestError('invalid_parameter', `A channel group holds at most ${LIMITS.channelsPerGroup} channels`, 'channel-registry');
    }
    const insert = this.db.prepare('INSERT OR IGNORE INTO channel_groups (sub_key, grp, channel) VALUES (?, ?, ?)');
    this.db.transaction(() => fresh.forEach((ch) => insert.run(subKey, group, ch)))();
    for (const ch of fresh) this.remember(subKey, group, ch);
  }

  remove(subKey: string, group: string, channels: readonly string[]): void {
    const del = this.db.prepare('DELETE FROM channel_groups WHERE sub_key = ? AND grp = ? AND channel = ?');
    this.db.transaction(() => channels.forEach((ch) => del.run(subKey, group, ch)))();
    for (const ch of channels) this.forget(subKey, group, ch);
  }

  deleteGroup(subKey: string, group: string): void {
    this.remove(subKey, group, this.channels(subKey, group));
  }

  channels(subKey: string, group: string): string[] {
    return [...(this.groups.get(`${subKey}\n${group}`) ?? [])].sort();
  }

  /** Groups that hold `channel`. */
  groupsOf(subKey: string, channel: string): ReadonlySet<string> {
    return this.byChannel.get(`${subKey}\n${channel}`) ?? new Set();
  }

  list(subKey: string): string[] {
    const prefix = `${subKey}\n`;
    return [...this.groups.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length))
      .sort();
  }
}
