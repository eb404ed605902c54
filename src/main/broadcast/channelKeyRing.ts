/**
 * The channel keys one device holds (docs/broadcast.md §8): every version the key manager wrapped to
 * this device, unwrapped into X25519 key pairs and kept in memory. `refresh` fetches the wraps again
 * (after a rotation, or on a message with an unknown version); concurrent refreshes share one request.
 * A version once held stays held, so history published under it stays readable after a revocation.
 */
import type { RawKeyPair } from '../../common/crypto/provider';
import { constantTimeEqual } from '../../common/encoding/bytes';
import { KeyManagerError } from '../../common/broadcast/errors';
import type { ChannelId } from '../../common/ids';
import { unwrapChannelKey } from '../../common/protocol/broadcast';
import { bytesOf } from '../../common/protocol/wire';
import type { KeyManagerClient } from './keyManagerClient';
import type { BroadcastClientOptions } from './types';

export class ChannelKeyRing {
  private readonly keys = new Map<number, RawKeyPair>();
  private pending: Promise<number[]> | null = null;

  constructor(
    private readonly channelId: ChannelId,
    private readonly km: KeyManagerClient,
    private readonly opts: BroadcastClientOptions,
  ) {}

  get(version: number): RawKeyPair | undefined {
    return this.keys.get(version);
  }

  versions(): number[] {
    return [...this.keys.keys()].sort((a, b) => a - b);
  }

  /** Fetches and unwraps this device's keys; resolves with the versions held afterwards. */
  refresh(): Promise<number[]> {
    this.pending ??= this.fetch().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async fetch(): Promise<number[]> {
    const { device, crypto, claims } = this.opts;
    const { keys } = await this.km.wrappedKeys(this.channelId, await claims(this.km.url), device.certificate);
    for (const k of keys) {
      if (this.keys.has(k.version)) continue;
      const pair = await unwrapChannelKey(crypto, {
        channelId: this.channelId,
        keyVersion: k.version,
        wrap: k.wrap,
        deviceId: device.deviceId,
        x25519PrivateKey: device.x25519PrivateKey,
      });
      if (!constantTimeEqual(pair.publicKey, bytesOf(k.publicKey))) {
        throw new KeyManagerError('key_manager_bad_response', `key manager sent a private key for ${this.channelId} v${k.version} that does not match its public key`);
      }
      this.keys.set(k.version, pair);
    }
    return this.versions();
  }
}
