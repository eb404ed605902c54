/**
 * The channel keys one device holds (docs/broadcast.md §8, §9): every version the key manager wrapped to
 * this device (X-Wing wraps when its certificate has an X-Wing key, else X25519; docs/protocol.md §5.1),
 * unwrapped into X25519 key pairs and kept in memory. `refresh` fetches the wraps again
 * (after a rotation, or on a message with an unknown version); concurrent refreshes share one request.
 * A version once held stays held, so history published under it stays readable after a revocation.
 *
 * With a key cache (channelKeyCache.ts), `ready` first loads the wraps cached by an earlier run and checks
 * each exactly as a fetched one (unwrap to this device, private key matches the public key); one that
 * fails is reported and ignored. New wraps are written back as received, unless the cache was dropped
 * (unfollow) — then nothing is written until `keepCache`.
 */
import type { RawKeyPair } from '../../common/crypto/provider';
import { constantTimeEqual } from '../../common/encoding/bytes';
import { KeyManagerError } from '../../common/broadcast/errors';
import type { ChannelId } from '../../common/ids';
import { unwrapChannelKey } from '../../common/protocol/broadcast';
import { isProtocolError } from '../../common/protocol/errors';
import { checkWrapSuiteFor } from '../../common/protocol/keyWrap';
import { bytesOf } from '../../common/protocol/wire';
import { ChannelKeyCacheError, type ChannelKeyCache, type WrappedChannelKey } from './channelKeyCache';
import type { KeyManagerClient } from './keyManagerClient';
import type { BroadcastClientOptions } from './types';

export class ChannelKeyRing {
  private readonly keys = new Map<number, RawKeyPair>();
  /** The key manager's entries behind `keys`, as received (what the cache stores). */
  private readonly received = new Map<number, WrappedChannelKey>();
  private pending: Promise<number[]> | null = null;
  private loaded: Promise<void> | null = null;
  private persist = true;

  constructor(
    private readonly channelId: ChannelId,
    private readonly km: KeyManagerClient,
    private readonly opts: BroadcastClientOptions,
    private readonly cache?: ChannelKeyCache,
  ) {}

  get(version: number): RawKeyPair | undefined {
    return this.keys.get(version);
  }

  versions(): number[] {
    return [...this.keys.keys()].sort((a, b) => a - b);
  }

  /** Loads the cached wraps once (nothing without a cache); later calls share the first load. */
  ready(): Promise<void> {
    this.loaded ??= this.loadCached();
    return this.loaded;
  }

  /** Fetches and unwraps this device's keys; resolves with the versions held afterwards. */
  refresh(): Promise<number[]> {
    this.pending ??= this.fetch().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** Deletes the cached wraps and stops writing new ones (keys in memory stay held). */
  async dropCache(): Promise<void> {
    this.persist = false;
    await this.cache?.remove(this.channelId);
  }

  /** Writes the held wraps to the cache again and keeps it up to date from now on. */
  async keepCache(): Promise<void> {
    this.persist = true;
    await this.ready();
    if (this.received.size > 0) await this.save();
  }

  private async loadCached(): Promise<void> {
    if (!this.cache) return;
    for (const k of await this.cache.load(this.channelId, this.km.url)) {
      try {
        await this.accept(k);
      } catch (err) {
        if (!(err instanceof KeyManagerError || isProtocolError(err))) throw err;
        this.cache.report(
          new ChannelKeyCacheError(
            'key_cache_tampered',
            `cached key version ${k.version} of channel ${this.channelId} does not open for this device: ${err.message}; ignored`,
          ),
        );
      }
    }
  }

  private async fetch(): Promise<number[]> {
    await this.ready();
    const { device, claims } = this.opts;
    const { keys } = await this.km.wrappedKeys(this.channelId, await claims(this.km.url), device.certificate);
    let added = false;
    for (const k of keys) {
      if (this.keys.has(k.version)) continue;
      await this.accept(k);
      added = true;
    }
    if (added) await this.save();
    return this.versions();
  }

  /**
   * Unwraps one entry for this device and checks it against its public key before holding it. A device
   * whose certificate has an X-Wing key takes X-Wing wraps only: an X25519 wrap (a key manager, or anyone
   * between, stripping the post-quantum half) is `suite_downgrade`, before anything is opened.
   */
  private async accept(k: WrappedChannelKey): Promise<void> {
    const { device, crypto } = this.opts;
    checkWrapSuiteFor(k.wrap, device.certificate.xwing !== undefined);
    const pair = await unwrapChannelKey(crypto, {
      channelId: this.channelId,
      keyVersion: k.version,
      wrap: k.wrap,
      deviceId: device.deviceId,
      x25519PrivateKey: device.x25519PrivateKey,
      ...(device.xwingPrivateKey !== undefined ? { xwingPrivateKey: device.xwingPrivateKey } : {}),
    });
    if (!constantTimeEqual(pair.publicKey, bytesOf(k.publicKey))) {
      throw new KeyManagerError(
        'key_manager_bad_response',
        `key manager sent a private key for ${this.channelId} v${k.version} that does not match its public key`,
      );
    }
    this.keys.set(k.version, pair);
    this.received.set(k.version, k);
  }

  private async save(): Promise<void> {
    if (!this.cache || !this.persist) return;
    await this.cache.save(
      this.channelId,
      this.km.url,
      [...this.received.values()].sort((a, b) => a.version - b.version),
    );
  }
}
