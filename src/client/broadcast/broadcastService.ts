/**
 * The broadcast feature as the desktop app and the CLI use it (docs/broadcast.md §8.1): a stateful
 * facade over the broadcast client that keeps followed channels, their delivered items and plain views
 * for the UI — never key material. Delivery only records items; `open` decrypts the newest unopened ones
 * (what is on screen), so reading is decoupled from delivery. `onChange(channelId)` fires whenever a
 * channel's view changes. Fetched channel keys stay in memory for the service's lifetime (also across
 * unfollow/follow) and, when the client has a key cache, on disk still wrapped to this device (§9):
 * `unfollow` deletes a channel's cached keys, following it again caches what is held.
 *
 * A key manager URL given from outside (the renderer, a command line) is never where a request goes:
 * `follow` takes the URL from the channel's verified descriptor (held, or as the directory lists it) and
 * refuses a different one before any request (`key_manager_not_in_descriptor`); `create` and `follow`
 * refuse a URL that is not https or loopback (`key_manager_url_refused`). docs/broadcast.md §6.
 */
import { BroadcastError, KeyManagerError } from '../../common/broadcast/errors';
import { assertKeyManagerUrl } from '../../common/broadcast/keyManagerUrl';
import { toBase64 } from '../../common/encoding/base64';
import type { BroadcastChannel } from './broadcastChannel';
import type { BroadcastClient, CreateChannelInput } from './broadcastClient';
import type { BroadcastItem } from './broadcastItem';
import type { FollowStore } from './followStore';
import type { ChannelRoleKind } from '../../common/domain';

export interface BroadcastChannelView {
  readonly channelId: string;
  readonly name: string;
  readonly keyManagerUrl: string;
  readonly creatorUserId: string;
  readonly owner: boolean;
  readonly subscriber: boolean;
  readonly publisher: boolean;
  readonly following: boolean;
}

export interface BroadcastMessageView {
  readonly channelId: string;
  readonly timetoken: string;
  readonly keyVersion: number | null;
  readonly state: 'sealed' | 'opened' | 'failed';
  readonly senderDevice?: string;
  readonly sentAt?: number;
  readonly type?: 'string' | 'binary' | 'json';
  /** The body as text: a string body as is, JSON as JSON text, binary as base64. */
  readonly text?: string;
  readonly errorCode?: string;
}

interface Followed {
  readonly channel: BroadcastChannel;
  readonly items: BroadcastItem[];
  readonly views: Map<string, BroadcastMessageView>;
  readonly stop: () => void;
}

/** Refuses a key manager URL other than the one the channel's verified descriptor names. */
function expectKeyManager(named: string, given: string | undefined): void {
  if (given === undefined || given === named) return;
  throw new KeyManagerError(
    'key_manager_not_in_descriptor',
    "This channel's signed description names a different key manager, so the one given was not contacted. Nothing changed.",
  );
}

function sealedView(channelId: string, item: BroadcastItem): BroadcastMessageView {
  return { channelId, timetoken: item.timetoken, keyVersion: item.keyVersion ?? null, state: 'sealed' };
}

export class BroadcastService {
  private readonly followed = new Map<string, Followed>();
  /** Channels opened in this session, kept after unfollow so their fetched keys stay held. */
  private readonly opened = new Map<string, BroadcastChannel>();
  /** Follows under way (a user's follow and the background resume never open a channel twice). */
  private readonly starting = new Map<string, Promise<void>>();
  private disposed = false;

  constructor(
    private readonly client: BroadcastClient,
    private readonly onChange: (channelId: string) => void = () => undefined,
    /** Where the followed channels are remembered across restarts; absent: for this session only. */
    private readonly follows?: FollowStore,
  ) {}

  /**
   * Follows again the channels followed in an earlier session. A channel that cannot be opened now (key
   * manager unreachable, access withdrawn) is reported to `onError` and stays remembered for next time.
   */
  async resume(onError: (channelId: string, error: unknown) => void = () => undefined): Promise<void> {
    for (const c of (await this.follows?.list()) ?? []) {
      if (this.followed.has(c.channelId)) continue;
      try {
        await this.followOnce(c.channelId, async () => this.opened.get(c.channelId) ?? (await this.client.openChannel(c.keyManagerUrl, c.channelId)));
      } catch (err) {
        onError(c.channelId, err);
      }
    }
  }

  /** Channels of the directory plus followed ones, with the caller's roles. */
  async channels(): Promise<BroadcastChannelView[]> {
    const listed = await this.client.listChannels();
    const views: BroadcastChannelView[] = listed.map((c) => ({
      channelId: c.descriptor.channelId,
      name: c.descriptor.name,
      keyManagerUrl: c.keyManagerUrl,
      creatorUserId: c.descriptor.creator.userId,
      owner: c.owner,
      subscriber: c.subscriber,
      publisher: c.publisher,
      following: this.followed.has(c.descriptor.channelId),
    }));
    const ids = new Set(views.map((v) => v.channelId));
    for (const [id, f] of this.followed) {
      if (ids.has(id)) continue;
      const d = f.channel.descriptor;
      views.push({
        channelId: id,
        name: d.name,
        keyManagerUrl: d.keyManagerUrl,
        creatorUserId: d.creator.userId,
        owner: false,
        subscriber: false,
        publisher: false,
        following: true,
      });
    }
    return views;
  }

  /** Creates a channel (listed in the directory when the client has one) and follows it. */
  async create(input: CreateChannelInput): Promise<string> {
    assertKeyManagerUrl(input.keyManagerUrl);
    const channel = await this.client.createChannel(input);
    await this.startFollowing(channel);
    return channel.channelId;
  }

  /**
   * Follows a channel known from a verified descriptor: one held this session or one the directory lists.
   * `keyManagerUrl`, when given, must be the one that descriptor names; the channel is opened at the
   * descriptor's key manager only, so no caller can point this device at another address.
   */
  async follow(channelId: string, keyManagerUrl?: string): Promise<void> {
    if (keyManagerUrl !== undefined) assertKeyManagerUrl(keyManagerUrl);
    await this.starting.get(channelId);
    const following = this.followed.get(channelId);
    if (following) return expectKeyManager(following.channel.descriptor.keyManagerUrl, keyManagerUrl);
    await this.followOnce(channelId, async () => {
      const known = this.opened.get(channelId);
      if (known) {
        expectKeyManager(known.descriptor.keyManagerUrl, keyManagerUrl);
        return known;
      }
      const listed = (await this.client.listChannels()).find((c) => c.descriptor.channelId === channelId);
      if (!listed) throw new BroadcastError('channel_unknown', `channel ${channelId} is not in the directory`);
      expectKeyManager(listed.keyManagerUrl, keyManagerUrl);
      return this.client.openChannel(listed.keyManagerUrl, channelId);
    });
  }

  private followOnce(channelId: string, open: () => Promise<BroadcastChannel>): Promise<void> {
    const under = this.starting.get(channelId);
    if (under) return under;
    const started = (async () => this.startFollowing(await open()))().finally(() => this.starting.delete(channelId));
    this.starting.set(channelId, started);
    return started;
  }

  /** Stops following and deletes the channel's cached keys on this device (keys held in memory stay). */
  async unfollow(channelId: string): Promise<void> {
    const wasFollowed = this.stopFollowing(channelId);
    await this.follows?.remove(channelId);
    const channel = this.opened.get(channelId);
    await (channel ? channel.dropCachedKeys() : this.client.forgetKeys(channelId));
    if (wasFollowed) this.onChange(channelId);
  }

  /** The channel's messages, oldest first; unopened ones are `sealed`. */
  messages(channelId: string): BroadcastMessageView[] {
    const f = this.get(channelId);
    return f.items.map((i) => f.views.get(i.timetoken) ?? sealedView(channelId, i));
  }

  /** Opens (verifies and decrypts) the newest `count` unopened messages; a failure is shown on the message. */
  async open(channelId: string, count = 50): Promise<BroadcastMessageView[]> {
    const f = this.get(channelId);
    const pending = f.items.filter((i) => !f.views.has(i.timetoken)).slice(-count);
    for (const item of pending) {
      try {
        const { header, message } = await item.open();
        const text = message.type === 'string' ? message.body : message.type === 'json' ? JSON.stringify(message.body) : toBase64(message.body);
        f.views.set(item.timetoken, {
          channelId,
          timetoken: item.timetoken,
          keyVersion: header.keyVersion,
          state: 'opened',
          senderDevice: header.senderDevice,
          sentAt: message.sentAt,
          type: message.type,
          text,
        });
      } catch (err) {
        const errorCode = err instanceof Error && 'code' in err ? String((err as { code: unknown }).code) : 'failed';
        f.views.set(item.timetoken, { ...sealedView(channelId, item), state: 'failed', errorCode });
      }
    }
    if (pending.length > 0) this.onChange(channelId);
    return this.messages(channelId);
  }

  async publish(channelId: string, text: string): Promise<string> {
    return (await this.get(channelId).channel.publish({ type: 'string', body: text })).timetoken;
  }

  /** Owner: grant or withdraw a channel role in the directory. */
  setRole(channelId: string, userId: string, kind: ChannelRoleKind, granted: boolean): Promise<void> {
    return this.client.setRole(channelId, userId, kind, granted);
  }

  /** Creator: revoke a user at the key manager (new key version). */
  revoke(channelId: string, userId: string): Promise<number> {
    return this.get(channelId).channel.revoke(userId);
  }

  /** Stops following everything for this session (cached keys and the remembered list stay for the next run). */
  dispose(): void {
    this.disposed = true;
    for (const id of [...this.followed.keys()]) this.stopFollowing(id);
  }

  private stopFollowing(channelId: string): boolean {
    const f = this.followed.get(channelId);
    f?.stop();
    return this.followed.delete(channelId);
  }

  private get(channelId: string): Followed {
    const f = this.followed.get(channelId);
    if (!f) throw new BroadcastError('channel_unknown', `not following channel ${channelId}`);
    return f;
  }

  private async startFollowing(channel: BroadcastChannel): Promise<void> {
    if (this.opened.get(channel.channelId) === channel) await channel.keepCachedKeys();
    this.opened.set(channel.channelId, channel);
    const items: BroadcastItem[] = [];
    const id = channel.channelId;
    const { history, stop } = await channel.follow((item) => {
      items.push(item);
      this.onChange(id);
    });
    items.unshift(...history);
    if (this.disposed) {
      // A background resume that finished after the session closed subscribes to nothing.
      stop();
      return;
    }
    this.followed.set(id, { channel, items, views: new Map(), stop });
    await this.follows?.add({ channelId: id, keyManagerUrl: channel.descriptor.keyManagerUrl });
    this.onChange(id);
  }
}
