/**
 * One broadcast channel as a client sees it (seed 002, docs/broadcast.md §8): publish (fetch the current
 * public key from the channel's key manager, seal to it, sign, publish on `bcast.<channelId>`), read
 * history and live messages as lazily opened items, fetch keys again after a rotation, and (creator)
 * revoke a subscriber. The key manager is the one the signed descriptor names — a custom one included.
 * With a key cache, keys fetched by an earlier run are loaded (and checked) before the first open (§9).
 */
import { broadcastPubnubChannel } from '../../common/pubnubChannels';
import type { ChannelDescriptor } from '../../common/broadcast/descriptor';
import { TransportError } from '../../common/broadcast/errors';
import type { ChannelId, MessageId } from '../../common/ids';
import { newMessageId } from '../../common/ids';
import { classifyFailure, fetchPage } from '../../common/messaging/transport';
import { openBroadcast, sealBroadcast } from '../../common/protocol/broadcast';
import { UnknownKeyVersionError } from '../../common/protocol/errors';
import type { JsonValue } from '../../common/protocol/plaintext';
import { bytesOf } from '../../common/protocol/wire';
import { BroadcastItem, type OpenedBroadcast } from './broadcastItem';
import type { ChannelKeyCache } from './channelKeyCache';
import { ChannelKeyRing } from './channelKeyRing';
import { KeyManagerClient } from './keyManagerClient';
import { PublisherDirectory } from './publisherDirectory';
import type { BroadcastClientOptions } from './types';

/** A body to publish. */
export type BroadcastBody = { type: 'string'; body: string } | { type: 'binary'; body: Uint8Array } | { type: 'json'; body: JsonValue };

export interface Published {
  readonly timetoken: string;
  readonly keyVersion: number;
  readonly messageId: MessageId;
}

/** The SDK's page size for history with message actions (fetchPage asks for them): it caps `count` at 25. */
const HISTORY_PAGE = 25;

/** Runs an SDK call, turning its failure into a TransportError with the delivery-failure reason. */
async function viaTransport<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const failure = classifyFailure(err);
    throw new TransportError(`${what} failed: ${failure.message}`, failure.code);
  }
}

export class BroadcastChannel {
  readonly channelId: ChannelId;
  readonly pubnubChannel: string;
  private readonly km: KeyManagerClient;
  private readonly keys: ChannelKeyRing;
  private readonly publishers: PublisherDirectory;

  constructor(
    readonly descriptor: ChannelDescriptor,
    private readonly opts: BroadcastClientOptions,
    keyCache?: ChannelKeyCache,
  ) {
    this.channelId = descriptor.channelId;
    this.pubnubChannel = broadcastPubnubChannel(descriptor.channelId);
    this.km = new KeyManagerClient(descriptor.keyManagerUrl, opts.keyManagerTimeoutMs, opts.signal);
    this.keys = new ChannelKeyRing(this.channelId, this.km, opts, keyCache);
    this.publishers = new PublisherDirectory(this.channelId, this.km, opts);
  }

  /** Seals to the channel's current public key (asked of the key manager each time) and publishes. */
  async publish(content: BroadcastBody): Promise<Published> {
    const { device, crypto, claims, pubnub } = this.opts;
    const { version, publicKey } = await this.km.publicKey(this.channelId, await claims(this.km.url), device.certificate);
    const messageId = newMessageId(crypto);
    const envelope = await sealBroadcast(crypto, {
      channelId: this.channelId,
      keyVersion: version,
      channelPublicKey: bytesOf(publicKey),
      senderDevice: device.deviceId,
      signingPrivateKey: device.ed25519PrivateKey,
      plaintext: { id: messageId, sentAt: (this.opts.now ?? Date.now)(), ...content },
      channel: this.pubnubChannel,
    });
    const { timetoken } = await viaTransport('publish', () => pubnub.publish({ channel: this.pubnubChannel, message: envelope }));
    return { timetoken: String(timetoken), keyVersion: version, messageId };
  }

  /** Fetches (again) every key version this device may hold; resolves with the versions held. */
  refreshKeys(): Promise<number[]> {
    return this.keys.refresh();
  }

  /** Versions held now (no request; cached keys count once loaded by an open or refresh). */
  heldVersions(): number[] {
    return this.keys.versions();
  }

  /** Deletes this channel's cached keys and stops caching new ones (keys in memory stay held). */
  dropCachedKeys(): Promise<void> {
    return this.keys.dropCache();
  }

  /** Caches the held keys (again) and keeps caching new ones. */
  keepCachedKeys(): Promise<void> {
    return this.keys.keepCache();
  }

  /** Stored messages, oldest first, as unopened items (up to `limit`, paging back through history). */
  async history(limit = 1000): Promise<BroadcastItem[]> {
    const items: BroadcastItem[] = [];
    let start: string | undefined;
    while (items.length < limit) {
      const page = await viaTransport('history', () => fetchPage(this.opts.pubnub, this.pubnubChannel, { count: HISTORY_PAGE, ...(start ? { start } : {}) }));
      if (page.length === 0) break;
      items.unshift(...page.map((e) => this.item(e.timetoken, e.message)));
      if (page.length < HISTORY_PAGE) break;
      start = page[0]?.timetoken;
    }
    return items.slice(Math.max(0, items.length - limit));
  }

  /** Live messages as unopened items; returns the function that stops listening. */
  subscribe(onItem: (item: BroadcastItem) => void): () => void {
    const subscription = this.opts.pubnub.channel(this.pubnubChannel).subscription();
    subscription.addListener({ message: (event) => onItem(this.item(String(event.timetoken), event.message)) });
    subscription.subscribe();
    return () => subscription.dispose();
  }

  /**
   * Follows the channel: live messages first (so none falls between), then stored history; each message
   * is handed over once (history and live deduplicated by timetoken), unopened. Returns the history and
   * the function that stops following.
   */
  async follow(onLive: (item: BroadcastItem) => void, historyLimit = 1000): Promise<{ history: BroadcastItem[]; stop: () => void }> {
    const seen = new Set<string>();
    const early: BroadcastItem[] = [];
    let caughtUp = false;
    const stop = this.subscribe((item) => {
      if (seen.has(item.timetoken)) return;
      seen.add(item.timetoken);
      if (caughtUp) onLive(item);
      else early.push(item);
    });
    try {
      const history = (await this.history(historyLimit)).filter((item) => !seen.has(item.timetoken));
      for (const item of history) seen.add(item.timetoken);
      caughtUp = true;
      for (const item of early) onLive(item);
      return { history, stop };
    } catch (err) {
      stop();
      throw err;
    }
  }

  /** Revokes a user (creator only): the key manager makes a new version they cannot fetch. */
  async revoke(userId: string): Promise<number> {
    const { version } = await this.km.revoke(this.channelId, await this.opts.claims(this.km.url), userId);
    return version;
  }

  /**
   * Verifies and decrypts an envelope published at `timetoken` (PubNub's; it decides whether a revoked
   * publisher's signature still counts); an unknown key version triggers one key refresh.
   */
  async open(envelope: unknown, timetoken?: string): Promise<OpenedBroadcast> {
    const publishedAt = timetoken !== undefined && /^[0-9]{1,20}$/.test(timetoken) ? Number(BigInt(timetoken) / 10_000n) : undefined;
    const ctx = {
      channelId: this.channelId,
      channelKeyForVersion: (v: number) => this.keys.get(v),
      publisherSigningKey: (d: string) => this.publishers.signingKey(d, publishedAt),
    };
    await this.keys.ready();
    try {
      return await openBroadcast(this.opts.crypto, envelope, ctx);
    } catch (err) {
      if (!(err instanceof UnknownKeyVersionError)) throw err;
      await this.keys.refresh();
      return openBroadcast(this.opts.crypto, envelope, ctx);
    }
  }

  private item(timetoken: string, envelope: unknown): BroadcastItem {
    return new BroadcastItem(timetoken, envelope, (e) => this.open(e, timetoken));
  }
}
